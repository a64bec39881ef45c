"""The layout rules of ../shared/DESIGN.md, checked on the source: no import cycles between modules, one writer per
state (domain models are written only in actions), and no module imports another module's private names.

The import contracts between packages live in pyproject.toml ([tool.importlinter], run by `lint-imports`); these
tests cover what a contract cannot say. They read source files only: nothing is imported or executed.
"""

import ast
import importlib.util
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The apps whose source the rules cover; action_items joins once its folder exists.
APPS = [
    name
    for name in (
        "incidents",
        "postmortems",
        "integrations",
        "warroom",
        "action_items",
        "insights",
        "statuspage",
        "accounts",
    )
    if (ROOT / name / "__init__.py").is_file()
]


def app_files():
    """Every module of the apps, migrations left out (generated, and they write through the historical models)."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def other_files():
    """The modules outside the apps that the private-names rule covers too: tests and benchmarks."""
    return sorted(path for folder in ("tests", "bench") for path in (ROOT / folder).rglob("*.py"))


def relative(path):
    return path.relative_to(ROOT).as_posix()


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --- No import cycles between modules ----------------------------------------------------------------------------


def strongly_connected_components(nodes, successors):
    """Tarjan's algorithm, iterative: the groups of nodes that reach each other, in a stable order."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(successors(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return sorted(components)


def import_cycles(graph):
    """Each cycle as its sorted members and the imports between them: (importer, imported, line numbers)."""
    cycles = []
    for members in strongly_connected_components(graph.modules, graph.find_modules_directly_imported_by):
        if len(members) < 2:
            continue
        inside = set(members)
        imports = []
        for importer in members:
            for imported in sorted(graph.find_modules_directly_imported_by(importer) & inside):
                lines = sorted(
                    {detail["line_number"] for detail in graph.get_import_details(importer=importer, imported=imported)}
                )
                imports.append((importer, imported, lines))
        cycles.append((members, imports))
    return cycles


def render_cycles(cycles):
    text = []
    for members, imports in cycles:
        text.append(f"- {len(members)} modules import each other: {', '.join(members)}")
        for importer, imported, lines in imports:
            text.append(
                f"    {importer} -> {imported} (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})"
            )
    return "\n".join(text)


def test_it_reads_the_apps_of_this_checkout():
    for app in APPS:
        spec = importlib.util.find_spec(app)
        assert spec is not None and Path(spec.origin).resolve() == ROOT / app / "__init__.py", (
            f"{app} resolves to {spec and spec.origin}"
        )


def test_it_has_no_import_cycles_between_modules():
    # Function-level imports count too: a cycle hidden inside a function is still a cycle.
    graph = grimp.build_graph(*APPS, cache_dir=None)
    cycles = import_cycles(graph)
    if cycles:
        pytest.fail(
            "Modules must not import each other, directly or around a loop; move the shared piece down or pass it in.\n"
            + render_cycles(cycles),
            pytrace=False,
        )


def test_it_names_the_modules_of_a_cycle():
    edges = {"a.one": {"a.two"}, "a.two": {"a.three"}, "a.three": {"a.one"}, "a.four": {"a.one"}, "a.five": {"a.five"}}
    assert strongly_connected_components(edges, lambda module: edges[module]) == [
        ["a.five"],
        ["a.four"],
        ["a.one", "a.three", "a.two"],
    ]


# --- One writer per state --------------------------------------------------------------------------------------------

WRITE_METHODS = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# A call chained from one of these is a queryset or a manager: `X.objects...`, `qs.filter(...)...`.
QUERYSET_LINKS = {
    "objects",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "select_related",
    "order_by",
    "using",
    "none",
}
# Receivers that are never models or querysets (dict.update, cache.delete, a form's save: no ModelForms exist).
NOT_MODELS = {"cache", "session", "request", "response"}

# "path:function" -> why it may write outside an actions module. Keep it short; everything else calls an action.
ALLOWED_WRITES = {
    "incidents/models/tokens.py:ApiToken.issue": "issuing a bearer token is auth bookkeeping, not part of the incident record",
    "incidents/models/tokens.py:ApiTokenQuerySet.find": "stamps last_used_at on the token it checks; auth bookkeeping, no record",
    "incidents/api.py:remove_member": "`router.delete` is django-ninja's DELETE route decorator; the write is actions.remove_member",
    "incidents/live/presence.py:join": "RoomPresence rows say who has the room open; they are not part of the record",
    "incidents/live/presence.py:leave": "RoomPresence rows say who has the room open; they are not part of the record",
    "incidents/live/presence.py:heartbeat": "RoomPresence rows say who has the room open; they are not part of the record",
    "incidents/comms/reminders.py:remind_overdue": "claims a reminder with a conditional UPDATE on its stamp column, so a sweeper run twice sends one",
    "incidents/restore/sweepers.py:suggest_ic_rotations": "claims a reminder with a conditional UPDATE on its stamp column, so a sweeper run twice sends one",
    "incidents/restore/sweepers.py:flag_expired_timeboxes": "claims a reminder with a conditional UPDATE on its stamp column, so a sweeper run twice sends one",
}


def chain(node):
    """The names a receiver is built from, outermost first: `A.objects.filter(x).first` -> [first, filter, objects, A]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            if isinstance(node, ast.Name):
                names.append(node.id)
            return names


def is_model_write(call):
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in WRITE_METHODS):
        return False
    names = chain(call.func.value)
    if not names or names[0] in NOT_MODELS or names[0].lower().endswith(("form", "formset")):
        return False
    if QUERYSET_LINKS & set(names):
        return True
    # Not chained from a manager or a queryset: `row.save()`, `item.delete()`, `incident.entries.create(...)`.
    # A bare `.update(...)` is almost always a dict or a set, so it counts only on a name that says queryset.
    if call.func.attr == "update":
        return names[0].endswith(("qs", "queryset"))
    return True


class WriteFinder(ast.NodeVisitor):
    def __init__(self):
        self.scope, self.writes = [], []

    def visit_ClassDef(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef

    def visit_Call(self, node):
        if is_model_write(node):
            self.writes.append((node.lineno, ".".join(self.scope) or "<module>", ast.unparse(node.func)))
        self.generic_visit(node)


def model_writes(source):
    """(line, enclosing function, the call) of each write to a model in a module's source."""
    finder = WriteFinder()
    finder.visit(ast.parse(source))
    return finder.writes


#: Modules that are their app's actions under a name of the product's language, with the reason.
WRITER_MODULES = {
    "warroom/celery.py": "purges Idempotency-Key answers older than 24 hours (API bookkeeping, not the record)",
    "warroom/idempotency.py": "remembers the first answer to an API call sent with an Idempotency-Key (bookkeeping of "
    "the API, not the record), in the same transaction as the call it answers",
    "integrations/ingest.py": "the webhook ingest is the integrations app's actions: it stores a delivery, then attaches "
    "its alerts and declares or notes incidents through the incidents actions, each step in one transaction",
    "integrations/outbound/chat.py": "bookkeeping of each outbound chat delivery (state, attempts, last error), claimed "
    "with conditional UPDATEs so a retried task sends once; not part of the incident record",
    "integrations/heartbeats.py": "the dead-man's switch is the integrations app's actions for heartbeats: it declares "
    "and resolves the blind-monitoring incident through the incidents actions, holding the endpoint's row lock",
    "integrations/outbound/event_stream.py": "bookkeeping of the event stream out: the deliveries each subscriber is "
    "owed, claimed with a conditional UPDATE, and their attempt log; not part of the incident record",
    "integrations/outbound/paging.py": "bookkeeping of each page's delivery (trigger and resolve states, attempts, "
    "last error), updated conditionally so a retried task sends once; the page failing is told through the timeline",
}


def is_actions_module(path):
    parts = path.relative_to(ROOT).parts
    return path.name == "actions.py" or "actions" in parts[:-1] or relative(path) in WRITER_MODULES


def writes_outside_actions():
    """Every write in a module that is not an actions module, as (path, line, function, call).

    Management commands, tasks, views, webhooks and admin.py are covered: they call actions (Django's admin saves
    through its own code, not ours, so a write in admin.py is one of ours).
    """
    found = []
    for path in app_files():
        if not is_actions_module(path):
            found += [
                (relative(path), line, function, call)
                for line, function, call in model_writes(path.read_text(encoding="utf-8"))
            ]
    return found


def test_it_writes_domain_models_only_in_actions():
    violations = [
        f"- {path}:{line} {call}(...) in {function}"
        for path, line, function, call in writes_outside_actions()
        if f"{path}:{function}" not in ALLOWED_WRITES
    ]
    if violations:
        pytest.fail(
            "Domain models are written only by actions (<app>/actions.py or <app>/actions/); move these writes into an action"
            " and call it, or add 'path:function' to ALLOWED_WRITES with the reason:\n" + "\n".join(violations),
            pytrace=False,
        )


def test_its_allowed_writes_all_still_write():
    writing = {f"{path}:{function}" for path, _, function, _ in writes_outside_actions()}
    stale = sorted(set(ALLOWED_WRITES) - writing)
    if stale:
        pytest.fail(
            "These ALLOWED_WRITES entries match no write any more (moved or renamed?); update or remove them:\n"
            + "\n".join(stale),
            pytrace=False,
        )


def test_it_finds_writes_to_models_and_querysets():
    source = """
def close(incident, rows, qs):
    incident.save(update_fields=["status"])
    Incident.objects.filter(pk=1).update(status="closed")
    Entry.objects.create(incident=incident)
    rows.filter(stale=True).delete()
    incident.entries.create(body="x")
    qs.update(seen=True)
    Tag.objects.bulk_create([])
    AlertGroup.objects.get_or_create(key="k")
"""
    assert [call for _, _, call in model_writes(source)] == [
        "incident.save",
        "Incident.objects.filter(pk=1).update",
        "Entry.objects.create",
        "rows.filter(stale=True).delete",
        "incident.entries.create",
        "qs.update",
        "Tag.objects.bulk_create",
        "AlertGroup.objects.get_or_create",
    ]
    assert {function for _, function, _ in model_writes(source)} == {"close"}


def test_it_leaves_dicts_caches_and_forms_alone():
    source = """
class Panel:
    def context(self, form, digest):
        data = {}
        data.update(a=1)
        seen = set()
        seen.update([1])
        cache.delete("k")
        digest.update(b"x")
        form.save()
        self.request.session.delete("k")
"""
    assert model_writes(source) == []


def test_it_names_the_function_of_a_write():
    source = "class ApiToken:\n    @classmethod\n    def issue(cls):\n        return cls.objects.create()\n"
    assert model_writes(source) == [(4, "ApiToken.issue", "cls.objects.create")]


# --- No module imports another module's private names ---------------------------------------------------------------


def is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def resolve(module, level, package):
    """The absolute name of `from <level dots><module> import ...` written in `package`."""
    if not level:
        return module or ""
    parts = package.split(".") if package else []
    base = parts[: len(parts) - level + 1]
    return ".".join([*base, module] if module else base)


def private_module_outside(dotted, importer):
    """The private part of a module path, when `importer` is not inside the package that holds it (a private module
    such as bench._processes serves its own package only)."""
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        if is_private(part):
            parent = ".".join(parts[:depth])
            if not (importer == parent or importer.startswith(parent + ".")):
                return ".".join(parts[: depth + 1])
    return None


def private_imports(source, name="", is_package=False, first_party=frozenset()):
    """(line, text) of each use of another module's private name: `from x import _y`, `import x._y` (a private module
    outside its package), and `mod._y` where `mod` is a first-party module the source imported."""
    package = name if is_package else name.rpartition(".")[0]
    tree = ast.parse(source)
    found, modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = resolve(node.module, node.level, package)
            written = f"from {'.' * node.level}{node.module or ''} import"
            if origin.rpartition(".")[2] == "conftest":
                continue  # helpers a conftest shares with the tests beside it
            if private_module_outside(origin, name):
                found.append((node.lineno, f"{written} {', '.join(alias.name for alias in node.names)}"))
                continue
            for alias in node.names:
                full = f"{origin}.{alias.name}"
                if full in first_party:  # a module: private only outside its package
                    if private_module_outside(full, name):
                        found.append((node.lineno, f"{written} {alias.name}"))
                    modules[alias.asname or alias.name] = full
                elif is_private(alias.name):
                    found.append((node.lineno, f"{written} {alias.name}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if private_module_outside(alias.name, name):
                    found.append((node.lineno, f"import {alias.name}"))
                elif alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    modules[top] = top
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and isinstance(node.value, ast.Name | ast.Attribute)
        ):
            names = chain(node.value)
            if names[-1] in modules and not any(
                isinstance(inner, ast.Call | ast.Subscript) for inner in ast.walk(node.value)
            ):
                dotted = ".".join([modules[names[-1]], *reversed(names[:-1])])
                if dotted in first_party and dotted != name:
                    found.append((node.lineno, f"{ast.unparse(node.value)}.{node.attr}"))
    return sorted(found)


def test_it_imports_no_private_names_across_modules():
    files = [*app_files(), *other_files()]
    first_party = frozenset(module_name(path) for path in files)
    violations = []
    for path in files:
        name = module_name(path)
        uses = private_imports(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", first_party)
        violations += [f"- {relative(path)}:{line} {text}" for line, text in uses]
    if violations:
        pytest.fail(
            "A name that starts with `_` is private to its module; make the helper public where it lives (and test it there):\n"
            + "\n".join(violations),
            pytrace=False,
        )


def test_it_finds_private_names_taken_from_other_modules():
    source = """
from .views import _postmortem, factor_rows
from incidents.actions import display_name as _name
from incidents import _private
import incidents._internal
from . import views
from tests.conftest import _helper
from __future__ import annotations
import incidents.models
from bench._processes import ServerProcess, api_post

def f(self):
    return views._rows(), views.public, self._mine, incidents.models._hash(), views.__name__
"""
    first_party = frozenset(
        {
            "postmortems.views",
            "incidents",
            "incidents.models",
            "incidents.actions",
            "tests.conftest",
            "bench._processes",
        }
    )
    assert private_imports(source, "postmortems.factor_views", False, first_party) == [
        (2, "from .views import _postmortem"),
        (4, "from incidents import _private"),
        (5, "import incidents._internal"),
        (10, "from bench._processes import ServerProcess, api_post"),
        (13, "incidents.models._hash"),
        (13, "views._rows"),
    ]


def test_it_lets_a_package_use_its_own_private_modules():
    source = "from . import _processes\nfrom bench._processes import ServerProcess\n_processes.start()\n"
    assert private_imports(source, "bench.fanout", False, frozenset({"bench._processes"})) == []
