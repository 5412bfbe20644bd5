"""FastAPI on uvicorn (one worker, uvloop, httptools); requests validated by pydantic.

Started by bench/peers.mjs: python3 -m uvicorn app:app --app-dir bench/peers/fastapi …
The World database is named by BENCH_DB (SQLite) and BENCH_PG_URL (PostgreSQL, through an
asyncpg pool of BENCH_PG_POOL connections).
"""
import os
import random
import sqlite3
from typing import List, Literal, Optional

import asyncpg

from fastapi import FastAPI, Header
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, StrictBool, StrictStr, confloat, conint, conlist, constr, validator

db = sqlite3.connect(f"file:{os.environ['BENCH_DB']}?mode=ro", uri=True, check_same_thread=False)

# The query of bench/peers/args.mjs (WORLD_PG_SQL); asyncpg prepares and caches it per connection.
WORLD_PG_SQL = 'SELECT id, "randomNumber" FROM world WHERE id = $1'
pg_pool = None

app = FastAPI()


# Startup and shutdown events rather than `lifespan`, which Debian's FastAPI (0.92) predates.
@app.on_event("startup")
async def open_pg_pool():
    global pg_pool
    url = os.environ.get("BENCH_PG_URL")
    if url:
        size = int(os.environ.get("BENCH_PG_POOL", "16"))
        pg_pool = await asyncpg.create_pool(url, min_size=size, max_size=size)


@app.on_event("shutdown")
async def close_pg_pool():
    if pg_pool is not None:
        await pg_pool.close()


class Address(BaseModel):
    city: StrictStr
    zip: StrictStr


class NewUser(BaseModel):
    name: constr(strict=True, min_length=1, max_length=50)
    # pydantic's EmailStr needs the email-validator package, which is not installed
    email: constr(strict=True, regex=r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
    age: conint(strict=True, ge=0, le=150)
    active: StrictBool
    role: Literal["admin", "editor", "viewer"]
    tags: List[StrictStr]
    address: Address


class CreatedUser(NewUser):
    id: int
    notify: bool
    client: str


class UserView(BaseModel):
    id: int
    name: str
    fields: str


class Message(BaseModel):
    message: str


class World(BaseModel):
    id: int
    randomNumber: int


# list-100 and post-10k (issue 15): the formulas of bench/peers/catalog.mjs, repeated here.
WORDS = ["Merino", "Walnut", "Copper", "Linen", "Granite", "Cedar", "Cobalt", "Amber", "Slate", "Juniper", "Ivory", "Saffron"]
THINGS = ["desk lamp", "kettle", "notebook", "backpack", "mug", "throw blanket", "headphones", "chair", "teapot", "umbrella", "candle"]
CATEGORIES = ["Home", "Kitchen", "Office", "Travel", "Audio", "Garden", "Décor"]
TAGS = ["new", "sale", "eco", "gift", "bestseller", "limited", "handmade"]


class Category(BaseModel):
    id: int
    name: str


class Item(BaseModel):
    id: int
    sku: str
    name: str
    description: str
    price: float
    inStock: bool
    category: Category
    tags: List[str]
    discount: Optional[float]


def catalog_item(i):
    word, thing, c = WORDS[i % len(WORDS)], THINGS[i % len(THINGS)], i % len(CATEGORIES)
    return {
        "id": i + 1,
        "sku": f"{chr(65 + i % 26)}{chr(65 + (i * 7) % 26)}-{100000 + i * 37}",
        "name": f"{word} {thing}",
        "description": f"A {thing} in {word.lower()}, made to last; ships in {2 + i % 5} days.",
        "price": (i * 37) % 200 + 0.99,
        "inStock": i % 3 != 0,
        "category": {"id": c + 1, "name": CATEGORIES[c]},
        "tags": [TAGS[i % len(TAGS)], TAGS[(i + 3) % len(TAGS)]],
        "discount": None if i % 4 == 0 else (i * 13) % 40 + 0.5,
    }


CATALOG = [catalog_item(i) for i in range(100)]


class Customer(BaseModel):
    id: conint(strict=True, ge=1)
    name: constr(strict=True, min_length=1, max_length=100)
    email: constr(strict=True, regex=r"^[^\s@]+@[^\s@]+\.[^\s@]+$")


class Shipping(BaseModel):
    street: constr(strict=True, min_length=1, max_length=200)
    city: constr(strict=True, min_length=1, max_length=100)
    zip: constr(strict=True, min_length=1, max_length=20)
    country: constr(strict=True, min_length=2, max_length=2)


class OrderLine(BaseModel):
    sku: constr(strict=True, regex=r"^[A-Z]{2}-[0-9]{6}$")
    name: constr(strict=True, min_length=1, max_length=200)
    quantity: conint(strict=True, ge=1, le=1000)
    # a JSON number, integer or not: pydantic 1's strict float refuses integers, its plain float
    # takes strings; so plain float, with strings and booleans refused first
    price: confloat(ge=0)
    giftWrap: StrictBool
    note: constr(strict=True, max_length=200)

    @validator("price", pre=True)
    def price_is_a_number(cls, v):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError("must be a number")
        return v


class NewOrder(BaseModel):
    customer: Customer
    currency: Literal["EUR", "USD", "GBP"]
    shipping: Shipping
    lines: conlist(OrderLine, min_items=1, max_items=100)


class OrderSummary(BaseModel):
    id: int
    lines: int
    units: int
    total: float


@app.get("/items", response_model=List[Item])
async def list_items():
    return CATALOG


@app.post("/orders", response_model=OrderSummary, status_code=201)
async def create_order(body: NewOrder):
    units = 0
    total = 0
    for line in body.lines:  # in line order, as every peer sums
        units += line.quantity
        total += line.quantity * line.price
    return {"id": 1, "lines": len(body.lines), "units": units, "total": total}


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return "Hello, World!"


@app.get("/json", response_model=Message)
async def json():
    return {"message": "Hello, World!"}


@app.get("/users/{id}", response_model=UserView)
async def get_user(id: int, fields: str = ""):
    return {"id": id, "name": f"User {id}", "fields": fields}


@app.post("/users", status_code=201)
async def create_user(body: NewUser, notify: bool = False, x_client: str = Header()):
    # built by hand: the response model would put the inherited fields before id
    return {"id": 1, **body.dict(), "notify": notify, "client": x_client}


@app.get("/db", response_model=World)
async def single_query():
    row = db.execute("SELECT id, randomNumber FROM World WHERE id = ?", (random.randint(1, 10000),)).fetchone()
    return {"id": row[0], "randomNumber": row[1]}


@app.get("/db-postgres", response_model=World)
async def single_query_postgres():
    row = await pg_pool.fetchrow(WORLD_PG_SQL, random.randint(1, 10000))
    return {"id": row[0], "randomNumber": row[1]}
