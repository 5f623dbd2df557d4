"""What a report holds: its sections, which page figures each takes, and how drill figures are run.

Declared here once, derived from ``pages.PAGES``: a figure joins a section by its name's prefix
(``energy_*`` → energy, wherever it is drawn) or else by the page that draws it, so the figures of
a new page join the report without an edit here. A figure that matches no section stops the report
(``plan`` raises) rather than being left out, and the tests check every declared figure has a place.

Drill figures (``Page.drill``) need a selection the user makes on the page. The report runs each of
them for every value of the level above (every pod, every rack, every node), so together they
cover the whole fleet; the per-GPU time series is run for the GPUs the Performance page lists as
unhealthy (XID errors, overheating), which are the ones a reader follows up.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..pages import PAGES, Page


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    prefixes: tuple[str, ...]   # figures whose names start so belong here, from any page
    pages: tuple[str, ...]      # the other figures of these pages (Page.key) belong here too
    about: str = ""


SECTIONS: tuple[Section, ...] = (
    Section("performance", "Performance", ("perf_", "ops_"), ("", "performance", "operations"),
            "Delivered FLOPS (an estimate from activity counters) against the target and the nameplate "
            "peak, the claim check, utilization and the GPUs that need attention."),
    Section("energy", "Energy", ("energy_",), ("energy",),
            "Facility, IT, cooling, renewable and reused energy from the meters' counters; PUE, REF, ERF."),
    Section("network", "Network", ("net_",), ("network",),
            "Fiber-link throughput and utilization from the links' byte counters."),
    Section("sovereignty", "Sovereignty", ("sov_",), ("sovereignty",),
            "Dependence of the stack on US-controlled vendors, weighted by criticality, and the levers."),
    Section("context", "Peer context", ("ctx_",), ("context",),
            "The site beside public AI clusters and the TOP500, at one precision and basis at a time, "
            "every outside figure with its source."),
    Section("data", "Data", (), ("data", "audit"),
            "What the store holds, every load with its file's SHA-256, rejected rows, catalogs."),
    Section("regulatory", "EU / German reporting indicators", ("reg_",), (),
            "What EnEfG Anlage 3 and Delegated Regulation (EU) 2024/1364 ask an operator to report, "
            "each with its legal reference and the figure that supplies it, or listed as missing."),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)


@dataclass(frozen=True)
class Drill:
    """Run a drill figure once per value of ``column`` in the frame of figure ``source``.

    ``at_once``: the figure run once with ``param`` NULL returns the rows of every value (its query
    declares so, and ``param`` is one of its columns); the report runs it so and keeps the rows of
    the chosen values, in their order: at the site's size one run instead of a thousand."""

    param: str
    source: str
    column: str
    why: str
    at_once: bool = False


DRILL: dict[str, Drill] = {
    "perf_racks": Drill("pod", "perf_pods", "pod", "every pod"),
    "perf_rack_heatmap": Drill("pod", "perf_pods", "pod", "every pod"),
    "perf_nodes": Drill("rack", "perf_racks", "rack", "every rack of every pod"),
    "perf_gpus": Drill("hostname", "perf_nodes", "hostname", "every node of every rack", at_once=True),
    "perf_gpu_series": Drill("gpu_uuid", "perf_unhealthy_gpus", "gpu_uuid",
                             "each GPU listed as unhealthy (XID errors or overheating)"),
}


@dataclass(frozen=True)
class Planned:
    name: str
    section: str
    pages: tuple[str, ...]      # titles of the pages that draw it
    drill: Drill | None = None


class PlanError(ValueError):
    pass


def section_of(name: str, page: Page) -> str:
    for s in SECTIONS:
        if s.prefixes and name.startswith(s.prefixes):
            return s.key
    for s in SECTIONS:
        if page.key in s.pages:
            return s.key
    raise PlanError(f"figure {name} (page {page.title}) belongs to no report section: add its page or "
                    "its name's prefix to dashboard/reports/sections.py")


def plan(sections: tuple[str, ...] | list[str] = SECTION_KEYS, pages: tuple[Page, ...] = PAGES) -> list[Planned]:
    """The figures of the chosen sections, each once, in section order and then page order.

    Drill figures come after the figure they select from, whatever the page order.
    """
    unknown = [s for s in sections if s not in SECTION_KEYS]
    if unknown:
        raise PlanError(f"unknown section {', '.join(unknown)}; sections: {', '.join(SECTION_KEYS)}")
    found: dict[str, Planned] = {}
    for p in pages:
        for name in p.all_figures:
            section = section_of(name, p)
            drill = None
            if name in p.drill:
                drill = DRILL.get(name)
                if drill is None:
                    raise PlanError(f"drill figure {name} (page {p.title}) needs a selection: declare in "
                                    "dashboard/reports/sections.py DRILL which values the report runs it for")
            if name in found:
                prev = found[name]
                found[name] = Planned(name, prev.section, prev.pages + (p.title,), prev.drill or drill)
            else:
                found[name] = Planned(name, section, (p.title,), drill)
    for name, d in DRILL.items():
        if name in found and d.source not in found:
            raise PlanError(f"drill figure {name} selects from {d.source}, which no page declares")
        if name in found and found[name].section != found[d.source].section:
            raise PlanError(f"drill figure {name} and its source {d.source} are in different sections")
    if "regulatory" in sections:
        found.setdefault("reg_indicators", Planned("reg_indicators", "regulatory", ()))
    ordered = [f for s in SECTION_KEYS if s in sections for f in found.values() if f.section == s]
    return _after_sources(ordered)


def _after_sources(items: list[Planned]) -> list[Planned]:
    """Keep the order, but move each drill figure after its source (when both are planned)."""
    out: list[Planned] = []
    pending = list(items)
    while pending:
        for i, f in enumerate(pending):
            src = f.drill.source if f.drill else None
            if src is None or src in {o.name for o in out} or src not in {p.name for p in pending}:
                out.append(pending.pop(i))
                break
        else:  # a cycle cannot be declared in DRILL, but never loop forever
            out.extend(pending)
            break
    return out
