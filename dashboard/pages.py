"""The dashboard's pages and the figures each one draws, declared once.

Page tests, the benchmark, the docs and the report writer derive their lists from here. A page's
``figures`` are drawn for the selected range as the page opens; its ``drill`` figures are drawn for
a selection the user makes on the page (a pod, a rack, a node, a GPU, a layer). ``ui.run`` refuses
a figure the current page does not declare, so a page and its declaration cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VIEWS = Path(__file__).resolve().parent / "views"  # not pages/: Streamlit would serve those bare


@dataclass(frozen=True)
class Page:
    key: str            # URL path; "" for the default page
    title: str
    group: str          # navigation section: who the page is for
    icon: str
    script: str         # file in dashboard/views/
    figures: tuple[str, ...]
    drill: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return VIEWS / self.script

    @property
    def all_figures(self) -> tuple[str, ...]:
        return self.figures + self.drill


PAGES: tuple[Page, ...] = (
    Page("", "Overview", "Executives", ":material/dashboard:", "overview.py",
         ("perf_headline", "perf_claim_check", "ops_attention_counts", "perf_delivered", "energy_headline",
          "sov_headline")),
    Page("energy", "Energy", "Executives", ":material/bolt:", "energy.py",
         ("energy_rule_sets", "energy_compliance", "energy_labels", "energy_periods", "energy_efficiency",
          "energy_green500")),
    Page("sovereignty", "Sovereignty", "Executives", ":material/flag:", "sovereignty.py",
         ("sov_snapshots", "sov_headline", "sov_layers", "sov_trend", "sov_levers", "sov_components",
          "sov_vendors", "sov_scores", "sov_whatif_cost", "sov_framework")),
    Page("context", "Context", "Executives", ":material/compare_arrows:", "context.py",
         ("ctx_comparisons", "perf_headline", "perf_claim_check", "energy_headline", "ctx_flops",
          "ctx_accelerators", "ctx_power", "ctx_cost", "ctx_claims", "ctx_sources")),
    Page("performance", "Performance", "Operators", ":material/speed:", "performance.py",
         ("perf_headline", "ops_attention_counts", "perf_claim_check", "perf_delivered", "perf_pods",
          "perf_pod_heatmap", "perf_idle_gpus", "perf_unhealthy_gpus"),
         drill=("perf_racks", "perf_nodes", "perf_gpus", "perf_gpu_series", "perf_rack_heatmap")),
    Page("operations", "Operations", "Operators", ":material/build:", "operations.py",
         ("ops_attention_counts", "ops_utilization", "ops_worst_gpus", "energy_power", "net_link_utilization",
          "net_link_summary")),
    Page("network", "Network", "Operators", ":material/lan:", "network.py",
         ("net_site_traffic", "net_links", "net_link_series")),
    Page("data", "Data", "Auditors", ":material/database:", "data.py",
         ("store_contents", "sync_status", "sync_metrics", "ingest_log", "rejects", "fleet_inventory",
          "gpu_catalog", "xid_catalog")),
    Page("audit", "Audit", "Auditors", ":material/verified:", "audit.py",
         ("report_loads", "reg_indicators", "energy_headline", "net_link_summary")),
)


def page(script: str) -> Page:
    """The page whose script file is ``script`` (a file name or path)."""
    name = Path(script).name
    for p in PAGES:
        if p.script == name:
            return p
    raise KeyError(f"no page declared for {name}")


def all_figures() -> list[str]:
    """Every figure some page draws, each once, in page order."""
    seen: dict[str, None] = {}
    for p in PAGES:
        for f in p.all_figures:
            seen.setdefault(f, None)
    return list(seen)
