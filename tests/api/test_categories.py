"""Categories through the API, on every engine."""


def test_create_list_rename_and_delete_a_category(api):
    tools = api.category("Tools")
    assert tools["name"] == "Tools" and tools["id"] > 0
    api.category("Garden")
    listed = api.get("/api/v1/categories").json
    assert [c["name"] for c in listed["items"]] == ["Garden", "Tools"]
    assert listed["next_cursor"] is None

    renamed = api.patch(f"/api/v1/categories/{tools['id']}", {"name": "Hand tools"}).json
    assert renamed["name"] == "Hand tools"
    api.delete(f"/api/v1/categories/{tools['id']}")
    api.get(f"/api/v1/categories/{tools['id']}", status=404)


def test_a_duplicate_name_is_a_conflict(api):
    api.category("Tools")
    problem = api.post("/api/v1/categories", {"name": "Tools"}, status=409).json
    assert "already exists" in problem["detail"]


def test_a_category_with_products_cannot_be_deleted(api):
    tools = api.category("Tools")
    api.product("DR-1", category_id=tools["id"])
    problem = api.delete(f"/api/v1/categories/{tools['id']}", status=409).json
    assert "still has 1 product" in problem["detail"]


def test_validation_names_the_field(api):
    problem = api.post("/api/v1/categories", {"name": ""}, status=422).json
    assert problem["errors"] == {"name": ["Length must be between 1 and 100."]}
    problem = api.post("/api/v1/categories", {"name": "x", "colour": "red"}, status=422).json
    assert problem["errors"] == {"colour": ["Unknown field."]}


def test_unknown_category_is_404(api):
    assert api.get("/api/v1/categories/999999", status=404).json["status"] == 404
    api.patch("/api/v1/categories/999999", {"name": "x"}, status=404)
    api.delete("/api/v1/categories/999999", status=404)
