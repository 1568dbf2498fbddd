"""Shared set-up for the API tests: organisations with tokens, a client that
speaks the API, and valid complaint payloads."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from portal.api.services import issue_token
from portal.models import ApiToken, Court, Organisation
from tests.factories import valid_credit_code, valid_id_number


@dataclass
class Connected:
    """An organisation, one of its tokens and the token's secret."""

    organisation: Organisation
    token: ApiToken
    secret: str


def connect(*, kind: str, name: str = "", court: Court | None = None) -> Connected:
    org = Organisation.objects.create(name=name or f"{kind}-{uuid.uuid4().hex[:6]}", kind=kind, court=court)
    token, secret = issue_token(organisation=org, name="test system", by=None)
    return Connected(org, token, secret)


class ApiClient:
    """Django's test client with the bearer token, JSON bodies and a fresh
    Idempotency-Key on every POST unless one is given."""

    def __init__(self, client, secret: str | None, language: str = "en"):
        self.client, self.secret, self.language = client, secret, language

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Accept-Language": self.language}
        if self.secret:
            headers["Authorization"] = f"Bearer {self.secret}"
        return {**headers, **(extra or {})}

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers())

    def post(self, path: str, data=None, *, key: str | None = "auto", headers: dict | None = None):
        extra = dict(headers or {})
        if key:
            extra["Idempotency-Key"] = uuid.uuid4().hex if key == "auto" else key
        return self.client.post(path, json.dumps(data), content_type="application/json", headers=self.headers(extra))

    def upload(self, path: str, data: dict, *, key: str | None = "auto"):
        extra = {"Idempotency-Key": uuid.uuid4().hex if key == "auto" else key} if key else {}
        return self.client.post(path, data, headers=self.headers(extra))


def complaint(n: int = 0, **overrides) -> dict:
    """One valid complaint; `n` makes identifiers differ."""
    data = {
        "external_reference": f"TM-{n:06d}",
        "claimant": {"name": f"权利人公司{n}", "credit_code": valid_credit_code(n), "phone": "0571-88880000",
                     "email": f"legal{n}@rights.example.test"},
        "respondent": {"name": f"卖家{n}", "shop_url": f"https://shop.example.cn/s/{n}",
                       "email": f"seller{n}@example.test", "phone": "13900000000"},
        "ip_rights": [{"type": "trademark", "title": "西湖龙井", "registration_number": f"{12345678 + n}"}],
        "listing_urls": [f"https://shop.example.cn/item/{n}"],
        "facts": "被申请人在其店铺销售带有申请人注册商标的商品。",
        "claims": {"amount": "10000.00", "cease_infringement": True, "remove_listings": True},
    }
    data.update(overrides)
    return data


def person_claimant(n: int = 0) -> dict:
    return {"name": f"张三{n}", "id_number": valid_id_number(n), "phone": "13800000000"}


def bulk(count: int, start: int = 0) -> dict:
    return {"complaints": [complaint(start + i) for i in range(count)]}


def referral(n: int = 0, **overrides) -> dict:
    data = complaint(n)
    data.pop("external_reference")
    data.pop("listing_urls")
    data["court_reference"] = f"(2026)浙0106民诉前调{n}号"
    data.update(overrides)
    return data
