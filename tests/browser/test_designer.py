"""The designer: the income pipeline (examples/income-prediction) built from an empty
draft on the canvas, once with the mouse (drag from the palette, click ports, drag a step)
and run to success (its evaluation charts opened), once with the keyboard only (Enter on
buttons, typing, arrow keys). The automatic layout puts steps in rows so that no edge
crosses a box. A refused save shows the server's problem at its step and setting; Undo
takes the change back; Save then writes the draft with the layout someone made. A
published version opens as a new draft."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.helpers.api import bearer, password_token
from tests.helpers.browser import LAPTOP, PHONE, assert_breaks_at_separators, assert_within_the_phone
from tests.helpers.samples import adult_bytes, income_pipeline, small_pipeline

RUN_TIMEOUT = 180_000  # ms: the census data trains in seconds, on a busy 2-core machine in more
DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "studio-designer.png"
COMPONENTS = ["import_data", "clean_missing_data", "split_data", "train_model", "score_model", "evaluate_model"]
EDGES = [("import.data", "clean_missing_data.data"), ("clean_missing_data.data", "split_data.data"),
         ("split_data.train", "train_model.data"), ("train_model.model", "score_model.model"),
         ("split_data.test", "score_model.data"), ("score_model.scored", "evaluate_model.scored")]


class Person:
    """Operates controls with the mouse (click) or with the keyboard only (focus and keys)."""

    def __init__(self, page: Page, keyboard: bool) -> None:
        self.page = page
        self.keyboard = keyboard

    def activate(self, control: Locator) -> None:
        if self.keyboard:
            control.focus()
            self.page.keyboard.press("Enter")
        else:
            control.click()

    def type(self, control: Locator, text: str) -> None:
        if not self.keyboard:
            control.click()
        else:
            control.focus()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Backspace")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Tab")  # a change is an edit once the field is left

    def check(self, control: Locator, checked: bool) -> None:
        if control.is_checked() != checked:
            if self.keyboard:
                control.focus()
                self.page.keyboard.press("Space")
            else:
                control.click()

    def choose(self, control: Locator, option: str) -> None:
        if not self.keyboard:
            control.click()  # the mouse opens the list; select_option picks like a click on the option would
        else:
            control.focus()
        control.select_option(option)


def _setting(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Step ")).get_by_role("group", name=name, exact=True)


def _build(studio, person: Person, name: str) -> str:
    """New pipeline -> the six steps, connected and set up as in the example. Returns its id."""
    page = studio.page
    person.activate(page.get_by_role("button", name="New pipeline"))
    dialog = page.get_by_role("dialog", name="New pipeline")
    person.type(dialog.get_by_label("Name"), name)
    person.activate(dialog.get_by_role("button", name="Create"))
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    canvas = page.get_by_role("region", name="Canvas")
    expect(canvas).to_contain_text("An empty draft")
    palette = page.get_by_role("region", name="Components")
    if person.keyboard:
        person.type(palette.get_by_label("Search components"), "import_data")
        expect(palette.get_by_role("button", name=re.compile("^Add "))).to_have_count(1)
        person.activate(palette.get_by_role("button", name="Add import_data"))
        person.type(palette.get_by_label("Search components"), "")
    else:
        palette.locator("[data-component=import_data]").drag_to(canvas.locator(".canvas-area"))
    step_name = page.get_by_label("Step name")
    expect(step_name).to_have_value("import_data")
    person.type(step_name, "import")
    expect(canvas.get_by_role("button", name="import", exact=True)).to_be_visible()
    for component in COMPONENTS[1:]:
        person.activate(palette.get_by_role("button", name=f"Add {component}"))
        expect(canvas.get_by_role("button", name=component, exact=True)).to_be_visible()
    # A port type mismatch is refused on the page: a model does not go into a dataset input.
    person.activate(canvas.get_by_role("button", name="train_model.model (output)"))
    person.activate(canvas.get_by_role("button", name="score_model.data (input)"))
    expect(page.get_by_role("status").filter(has_text="connect ports of the same type")).to_be_visible()
    for out, into in EDGES:
        person.activate(canvas.get_by_role("button", name=f"{out} (output)"))
        person.activate(canvas.get_by_role("button", name=f"{into} (input)"))
        expect(page.get_by_role("status").filter(has_text=f"Connected {out} to {into}")).to_be_visible()
    _settings(studio, person)
    return page.url.rsplit("/", 1)[1]


def _settings(studio, person: Person) -> None:
    page = studio.page
    canvas = page.get_by_role("region", name="Canvas")
    example = income_pipeline()["steps"]
    person.activate(canvas.get_by_role("button", name="import", exact=True))
    person.type(_setting(page, "path").get_by_label("path"), "datastore://default/census/adult.data")
    person.check(_setting(page, "has_header").get_by_label("has_header"), False)
    person.type(_setting(page, "column_names").get_by_label("column_names"), ", ".join(example["import"]["settings"]["column_names"]))
    person.check(_setting(page, "skip_initial_space").get_by_label("skip_initial_space"), True)
    person.type(_setting(page, "na_values").get_by_label("na_values"), "?")

    person.activate(canvas.get_by_role("button", name="clean_missing_data", exact=True))
    person.choose(_setting(page, "mode").get_by_label("mode"), "mode")
    # The columns are known from the import step's column_names: picked, not typed.
    for column in ("workclass", "occupation", "native-country"):
        person.check(_setting(page, "columns").get_by_label(column, exact=True), True)

    person.activate(canvas.get_by_role("button", name="split_data", exact=True))
    person.type(_setting(page, "fraction").get_by_label("fraction"), "0.8")
    person.choose(_setting(page, "stratify_column").get_by_label("stratify_column"), "income")

    person.activate(canvas.get_by_role("button", name="train_model", exact=True))
    person.choose(_setting(page, "label_column").get_by_label("label_column"), "income")
    person.choose(_setting(page, "algorithm").get_by_label("algorithm"), "boosted_decision_tree")
    person.type(_setting(page, "max_iter").get_by_label("max_iter"), "100")


def _edges_through_boxes(page: Page) -> tuple[int, list[str]]:
    """How many edges the canvas draws, and each edge that passes through a step's box other
    than its two ends (its line sampled every 1% of its length, boxes' borders left out)."""
    return tuple(page.evaluate("""() => {
      const area = document.querySelector(".canvas-area");
      const origin = area.querySelector("svg.edges").getBoundingClientRect();
      const boxes = [...area.querySelectorAll(".dstep")].map((b) => [b.dataset.step, b.getBoundingClientRect()]);
      const paths = [...area.querySelectorAll("path.edge")];
      const hits = new Set();
      for (const path of paths) {
        const length = path.getTotalLength();
        for (let i = 0; i <= 100; i += 1) {
          const p = path.getPointAtLength((length * i) / 100);
          const [x, y] = [origin.left + p.x, origin.top + p.y];
          for (const [name, r] of boxes) {
            if (name === path.dataset.from || name === path.dataset.to) continue;
            if (x > r.left + 2 && x < r.right - 2 && y > r.top + 2 && y < r.bottom - 2) {
              hits.add(`${path.dataset.from} -> ${path.dataset.to} through ${name}`);
            }
          }
        }
      }
      return [paths.length, [...hits]];
    }"""))


def _laid_out_in_layers(page: Page) -> None:
    """The automatic layout of the income pipeline: no edge crosses a box (split.test ->
    score_model.data runs beside train_model, which sits in the row between)."""
    count, through = _edges_through_boxes(page)
    assert count == len(EDGES) and through == []
    canvas = page.get_by_role("region", name="Canvas")
    train = canvas.locator(".dstep[data-step=train_model]").bounding_box()
    split = canvas.locator(".dstep[data-step=split_data]").bounding_box()
    score = canvas.locator(".dstep[data-step=score_model]").bounding_box()
    assert split["y"] < train["y"] < score["y"]  # a row each, top to bottom


def _refused_then_undone(studio, person: Person) -> None:
    """A value the server refuses: its message at the step and the field, a count on the
    toolbar; Undo brings the last good value back, and the stale problem goes with it."""
    page = studio.page
    canvas = page.get_by_role("region", name="Canvas")
    person.activate(canvas.get_by_role("button", name="split_data", exact=True))
    fraction = _setting(page, "fraction").get_by_label("fraction")
    person.type(fraction, "1.5")
    person.activate(page.get_by_role("button", name="Save", exact=True))
    split_box = canvas.locator(".dstep[data-step=split_data]")
    expect(split_box).to_contain_text("less than 1")
    expect(page.get_by_role("toolbar", name="Draft")).to_contain_text("1 problem")
    expect(_setting(page, "fraction")).to_contain_text("less than 1")
    # The problem keeps to its box: the box does not grow over the row below it.
    box, below = split_box.bounding_box(), canvas.locator(".dstep[data-step=train_model]").bounding_box()
    assert box["y"] + box["height"] <= below["y"]
    studio.check("refused")
    person.activate(page.get_by_role("button", name="Undo", exact=True))
    expect(fraction).to_have_value("0.8")
    person.activate(page.get_by_role("button", name="Redo", exact=True))
    expect(fraction).to_have_value("1.5")
    person.activate(page.get_by_role("button", name="Undo", exact=True))
    person.activate(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_role("toolbar", name="Draft")).to_contain_text("All changes saved")
    expect(page.get_by_role("toolbar", name="Draft")).not_to_contain_text("problem")
    expect(split_box).not_to_contain_text("less than 1")


def _saved_as_the_example(client, headers, pipeline_id: str) -> dict:
    saved = client.get(f"/pipelines/{pipeline_id}", headers=headers).json()
    example = income_pipeline()["steps"]
    assert [d["component"] for d in saved["steps"].values()] == [d["component"] for d in example.values()]
    assert list(saved["steps"]) == ["import", *COMPONENTS[1:]]
    assert saved["steps"]["import"]["settings"] == {
        "path": "datastore://default/census/adult.data", "has_header": False, "skip_initial_space": True,
        "column_names": example["import"]["settings"]["column_names"], "na_values": ["?"]}
    assert saved["steps"]["clean_missing_data"]["settings"] == example["clean"]["settings"]
    assert saved["steps"]["split_data"]["settings"] == {"fraction": 0.8, "stratify_column": "income"}
    assert saved["steps"]["train_model"]["settings"] == {"label_column": "income", "algorithm": "boosted_decision_tree",
                                                         "hyperparameters": {"max_iter": 100}}
    assert saved["steps"]["score_model"]["inputs"] == {"model": "train_model.model", "data": "split_data.test"}
    return saved


def test_build_and_run_with_the_mouse(studio, workspace_user, worker, client, screenshots):
    headers = bearer(password_token(client, workspace_user))
    uploaded = client.put("/datastores/default/files/census/adult.data", content=adult_bytes(), headers=headers)
    assert uploaded.status_code == 201, uploaded.text
    page = studio.page
    studio.open()
    studio.sign_in(workspace_user)
    person = Person(page, keyboard=False)
    pipeline_id = _build(studio, person, "income-mouse")
    # The first step was dropped where the mouse let go, so the rest went below it; Arrange
    # lays them all out automatically again (one edit: Undo would put them back).
    page.get_by_role("button", name="Arrange", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Arranged the steps automatically")).to_be_visible()
    expect(page.get_by_role("button", name="Arrange", exact=True)).to_be_disabled()
    _laid_out_in_layers(page)
    # A component's name longer than the palette's column wraps after an underscore.
    assert_breaks_at_separators(page.locator("[data-component=score_registered_model] strong"), must_wrap=True)
    studio.check("designer-arranged")
    shutil.copyfile(screenshots / f"{studio.prefix}-{studio.count:02d}-designer-arranged.png", DOCS_SHOT)
    # Moving a step with the mouse ends the automatic layout: every step keeps its place.
    box = page.get_by_role("region", name="Canvas").locator(".dstep[data-step=evaluate_model]")
    box.scroll_into_view_if_needed()
    start = box.bounding_box()
    page.mouse.move(start["x"] + 100, start["y"] + 40)
    page.mouse.down()
    page.mouse.move(start["x"] + 300, start["y"] + 60, steps=5)
    page.mouse.up()
    moved = box.bounding_box()
    assert round(moved["x"] - start["x"]) == 200
    _refused_then_undone(studio, person)
    saved = _saved_as_the_example(client, headers, pipeline_id)
    assert set(saved["layout"]) == set(saved["steps"])
    studio.check("designer")
    page.set_viewport_size(PHONE)
    studio.check("designer-phone")
    page.set_viewport_size(LAPTOP)

    page.get_by_role("button", name="Submit", exact=True).click()
    dialog = page.get_by_role("dialog", name="Submit run")
    dialog.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Run run_")
    expect(page.get_by_label("Status")).to_have_text("succeeded", timeout=RUN_TIMEOUT)
    run = client.get(f"/runs?pipeline_id={pipeline_id}", headers=headers).json()["items"][0]
    assert run["status"] == "succeeded" and run["metrics"]["roc_auc"] > 0.85
    # What it learned: the evaluate step's charts.
    steps = page.get_by_role("group", name=f"Steps of run {run['id']}")
    steps.get_by_role("button", name="evaluate_model", exact=True).click()
    evaluation = page.get_by_role("region", name="Evaluation")
    expect(evaluation.get_by_role("figure", name="ROC curve")).to_be_visible()
    expect(evaluation.get_by_role("table", name="Confusion matrix").get_by_role("row")).to_have_count(3)
    studio.check("run-evaluation")


def test_build_with_the_keyboard_only(studio, workspace_user, client):
    headers = bearer(password_token(client, workspace_user))
    page = studio.page
    studio.open()
    studio.sign_in(workspace_user)
    person = Person(page, keyboard=True)
    pipeline_id = _build(studio, person, "income-keys")
    expect(page.get_by_role("button", name="Arrange", exact=True)).to_be_disabled()  # nothing was placed by hand
    _laid_out_in_layers(page)
    # Arrow keys move the focused step.
    step = page.get_by_role("region", name="Canvas").get_by_role("button", name="evaluate_model", exact=True)
    before = step.bounding_box()
    step.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(step).to_be_focused()
    assert round(step.bounding_box()["x"] - before["x"]) == 40
    _refused_then_undone(studio, person)
    saved = _saved_as_the_example(client, headers, pipeline_id)
    assert "evaluate_model" in saved["layout"]
    # Leaving with unsaved changes asks first (the browser's confirm; declined here).
    person.activate(page.get_by_role("button", name="Remove step"))
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="income-keys")).to_be_visible()
    expect(page.get_by_role("toolbar", name="Draft")).to_contain_text("Unsaved changes")


def test_a_new_user_on_a_phone(studio, workspace_user):
    """390 px wide: the navigation is a menu button, a dialog fits the screen; an unknown
    address says so; a run that does not exist leaves no "Loading…"; a field's error goes
    once the field changes."""
    page = studio.page
    studio.open()
    studio.sign_in(workspace_user)
    page.set_viewport_size(PHONE)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu", exact=True)
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(nav.get_by_role("link", name="Runs")).to_be_visible()
    studio.check("menu-open")
    nav.get_by_role("link", name="Pipelines").click()
    expect(nav).to_be_hidden()

    page.get_by_role("button", name="New pipeline").click()
    dialog = page.get_by_role("dialog", name="New pipeline")
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    dialog.get_by_role("button", name="Create").click()
    name = dialog.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_contain_text("Name the new pipeline")
    studio.check("new-pipeline-refused")
    name.press_sequentially("x")
    expect(name).not_to_have_attribute("aria-invalid", "true")
    expect(dialog).not_to_contain_text("Name the new pipeline")
    dialog.get_by_role("button", name="Close").click()

    studio.open("#/no-such-page")
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    studio.check("not-found")
    studio.open("#/runs/run_does_not_exist")
    expect(page.get_by_role("alert")).to_contain_text("no run 'run_does_not_exist'")
    expect(page.get_by_text("Loading…")).to_have_count(0)


def test_edit_a_published_version_as_a_new_draft(studio, workspace_user, client):
    """A version never changes: "Edit as new draft" copies it (steps, parameters, layout)
    into a new draft, which the designer opens; saving it leaves the version as it was."""
    headers = bearer(password_token(client, workspace_user))
    spec = small_pipeline()
    spec["layout"] = {"import": {"x": 40, "y": 16}}
    pipeline = client.post("/pipelines", json=spec, headers=headers)
    assert pipeline.status_code == 201, pipeline.text
    assert client.post("/endpoints", json={"name": "small-edit"}, headers=headers).status_code == 201
    published = client.post("/endpoints/small-edit/versions", json={"pipeline_id": pipeline.json()["id"]}, headers=headers)
    assert published.status_code == 201, published.text
    page = studio.page
    studio.open("#/endpoints/small-edit")
    studio.sign_in(workspace_user)
    # On a phone the versions table keeps its main actions on the screen.
    page.set_viewport_size(PHONE)
    version_row = page.get_by_role("row", name=re.compile("Version 1"))
    assert_within_the_phone(version_row.get_by_role("link", name="Version 1", exact=True))
    assert_within_the_phone(version_row.get_by_role("button", name="Submit", exact=True))
    studio.check("endpoint-phone")
    page.set_viewport_size(LAPTOP)
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="small-edit version 1")).to_be_visible()
    studio.check("version")
    page.get_by_role("button", name="Edit as new draft").click()
    expect(page.get_by_role("heading", level=1, name="small-edit-v1-draft")).to_be_visible()
    draft_id = page.url.rsplit("/", 1)[1]
    assert draft_id != pipeline.json()["id"]
    canvas = page.get_by_role("region", name="Canvas")
    for step in spec["steps"]:
        expect(canvas.get_by_role("button", name=step, exact=True)).to_be_visible()
    expect(page.get_by_role("toolbar", name="Draft")).to_contain_text("All changes saved")
    studio.check("new-draft-from-version")
    # The copy is a draft like any other: changed and saved, the version stays as it was.
    canvas.get_by_role("button", name="split", exact=True).click()
    fraction = _setting(page, "fraction").get_by_label("fraction")
    fraction.fill("0.7")
    fraction.press("Tab")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("toolbar", name="Draft")).to_contain_text("All changes saved")
    draft = client.get(f"/pipelines/{draft_id}", headers=headers).json()
    assert draft["steps"]["split"]["settings"]["fraction"] == 0.7
    assert draft["parameters"]["data_path"]["default"] == "datastore://default/small/train.csv"
    assert draft["layout"]["import"] == {"x": 40, "y": 16}
    version = client.get("/endpoints/small-edit/versions/1", headers=headers).json()
    assert version["steps"]["split"]["settings"]["fraction"] == 0.5
