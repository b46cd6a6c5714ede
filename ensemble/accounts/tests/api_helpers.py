"""Small helpers the API tests share: JSON posts and the one error shape."""

import json


def post_json(client, path, data, **headers):
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(path, body, content_type="application/json", headers=headers)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def field_names(body):
    return {error["field"] for error in body["errors"]}


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}
