/**
 * What `covet client` writes: the app's typed client, read off the App IR alone
 * (codegen/client), titled like the OpenAPI document. `covet build --client`
 * writes the same text from the IR of its build.
 */
import type { AppIR } from '../ir/ir.ts';
import { emitClient } from '../codegen/client/index.ts';
import { openApi } from './describe.ts';

export function clientSource(ir: AppIR, appDir: string): string {
  const title = String((openApi(ir, appDir).info as { title: string }).title);
  return emitClient(ir, { title });
}
