import json
import pytest
from django.test import Client

def show(r):
    print(r.status_code, dict(r.headers).get("Content-Type"), r.content[:600])

@pytest.mark.django_db
def test_probe(client, alice, settings):
    show(client.post("/api/v1/auth/signup", {"username": "dave", "email": "dave@example.org", "password": "a long secret pass 1"}, content_type="application/json"))
    show(client.post("/api/v1/auth/signup", "{bad", content_type="application/json"))
    show(client.post("/api/v1/auth/signup", {"username": 5, "email": [], "password": None}, content_type="application/json"))
    show(client.post("/api/v1/auth/signup", {}, content_type="application/json"))
    show(client.post("/api/v1/auth/signup", {"username": "ALICE", "email": "x@example.org", "password": "a long secret pass 1"}, content_type="application/json"))
    show(client.post("/api/v1/auth/signup", {"username": "eve", "email": "ALICE@example.org", "password": "a long secret pass 1"}, content_type="application/json"))
    show(client.post("/api/v1/auth/signup", {"username": "eve", "email": "eve@example.org", "password": "short"}, content_type="application/json"))
    show(client.post("/api/v1/auth/signup", {"username": "x"*31, "email": "eve@example.org", "password": "a long secret pass 1"}, content_type="application/json"))
    show(client.get("/api/v1/me"))
    show(client.delete("/api/v1/me"))
    show(client.put("/api/v1/me"))
    show(client.get("/api/v1/nope"))
    show(client.get("/api/whatever"))
    show(client.get("/api/v1/users/nobody"))
    show(client.get("/api/v1/users/ALICE"))
    show(client.get("/api/v1/notifications?limit=0"))
    c = Client(enforce_csrf_checks=True)
    c.force_login(alice)
    show(c.get("/api/v1/me"))
    show(c.patch("/api/v1/me", {"bio": "x"}, content_type="application/json"))
    show(c.get("/api/v1/notifications?limit=0"))
    show(c.get("/api/v1/notifications?limit=1000"))
    show(c.get("/api/v1/notifications?cursor=abc"))
    show(c.post("/api/v1/auth/tokens", {"username": "alice", "password": "nope"}, content_type="application/json"))
    show(c.post("/api/v1/auth/tokens", {"username": "alice", "password": "correct horse battery staple"}, content_type="application/json"))
    show(client.get("/api/v1/docs"))
    print(client.get("/api/v1/docs").content.decode())
