"""FastAPI on uvicorn (one worker, uvloop, httptools); requests validated by pydantic.

Started by bench/peers.mjs: python3 -m uvicorn app:app --app-dir bench/peers/fastapi …
The World database is named by BENCH_DB (SQLite) and BENCH_PG_URL (PostgreSQL, through an
asyncpg pool of BENCH_PG_POOL connections).
"""
import os
import random
import sqlite3
from typing import List, Literal

import asyncpg

from fastapi import FastAPI, Header
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, StrictBool, StrictStr, conint, constr

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
