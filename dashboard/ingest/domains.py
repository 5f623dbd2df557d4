"""What each kind of record looks like: canonical columns, accepted header spellings and units.

A file's header decides its domain. Column names from these specs are the only identifiers that
the loader writes into SQL; every value is bound or read from a registered table.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type of the staged value
    doc: str = ""


@dataclass(frozen=True)
class Domain:
    name: str
    doc: str
    columns: tuple[Column, ...]
    required: frozenset[str]  # canonical columns a header must have to be this domain
    any_of: frozenset[str] = frozenset()  # and at least one of these
    aliases: dict[str, tuple[str, float]] = field(default_factory=dict)  # header -> (column, factor)
    timeseries: bool = True
    # Units are written in column names (power_kw): an unknown suffix (power_btu) is refused. False
    # for a domain whose unit is a column of its own, where an extra `source_date` is just ignored.
    unit_suffixes: bool = True

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _unit_aliases(base: str, canonical: str, factors: dict[str, float]) -> dict[str, tuple[str, float]]:
    return {f"{base}_{unit}": (canonical, f) for unit, f in factors.items()}


GPU_SAMPLES = Domain(
    "gpu_samples",
    "GPU telemetry, one row per GPU and timestamp (dcgm-exporter fields)",
    (
        Column("ts", "TIMESTAMP", "UTC; ISO 8601 or Unix seconds"),
        Column("gpu_uuid", "VARCHAR", "UUID label"),
        Column("hostname", "VARCHAR", "Hostname label (registers an unknown GPU)"),
        Column("gpu_index", "INTEGER", "gpu label"),
        Column("model", "VARCHAR", "modelName label (registers an unknown GPU)"),
        Column("util", "DOUBLE", "DCGM_FI_DEV_GPU_UTIL, %"),
        Column("tensor_active", "DOUBLE", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, ratio"),
        Column("fp64_active", "DOUBLE", "DCGM_FI_PROF_PIPE_FP64_ACTIVE, ratio"),
        Column("sm_active", "DOUBLE", "DCGM_FI_PROF_SM_ACTIVE, ratio"),
        Column("sm_clock_mhz", "DOUBLE", "DCGM_FI_DEV_SM_CLOCK, MHz"),
        Column("power_w", "DOUBLE", "DCGM_FI_DEV_POWER_USAGE, W"),
        Column("energy_j", "DOUBLE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, J (counter)"),
        Column("temp_c", "DOUBLE", "DCGM_FI_DEV_GPU_TEMP, degC"),
        Column("xid", "INTEGER", "DCGM_FI_DEV_XID_ERRORS, last XID code"),
    ),
    required=frozenset({"ts", "gpu_uuid"}),
    any_of=frozenset({"util", "tensor_active", "fp64_active", "sm_active", "power_w", "energy_j",
                      "temp_c", "sm_clock_mhz", "xid"}),
    aliases={
        "timestamp": ("ts", 1.0), "time": ("ts", 1.0),
        "uuid": ("gpu_uuid", 1.0), "gpu": ("gpu_index", 1.0), "modelname": ("model", 1.0),
        "model_name": ("model", 1.0),
        "dcgm_fi_dev_gpu_util": ("util", 1.0), "util_pct": ("util", 1.0),
        "dcgm_fi_prof_pipe_tensor_active": ("tensor_active", 1.0),
        "dcgm_fi_prof_pipe_fp64_active": ("fp64_active", 1.0),
        "dcgm_fi_prof_sm_active": ("sm_active", 1.0),
        "dcgm_fi_dev_sm_clock": ("sm_clock_mhz", 1.0),
        "dcgm_fi_dev_power_usage": ("power_w", 1.0),
        "dcgm_fi_dev_total_energy_consumption": ("energy_j", 1e-3),  # mJ
        # OpenMetrics names a counter's samples <name>_total (OpenMetrics 1.0, "Counter")
        "dcgm_fi_dev_total_energy_consumption_total": ("energy_j", 1e-3),
        "dcgm_fi_dev_gpu_temp": ("temp_c", 1.0),
        "dcgm_fi_dev_xid_errors": ("xid", 1.0),
        **_unit_aliases("power", "power_w", {"w": 1.0, "kw": 1e3, "mw": 1e-3}),
        **_unit_aliases("energy", "energy_j", {"j": 1.0, "mj": 1e-3, "kj": 1e3, "kwh": 3.6e6, "wh": 3.6e3}),
        **_unit_aliases("sm_clock", "sm_clock_mhz", {"mhz": 1.0, "ghz": 1e3}),
        **_unit_aliases("temp", "temp_c", {"c": 1.0}),
    },
)

LINK_SAMPLES = Domain(
    "link_samples",
    "Fiber-link byte counters, one row per link and timestamp",
    (
        Column("ts", "TIMESTAMP"),
        Column("link_id", "VARCHAR", "link name as in the links inventory"),
        Column("rx_bytes", "HUGEINT", "received bytes, counter"),
        Column("tx_bytes", "HUGEINT", "transmitted bytes, counter"),
        Column("capacity_gbps", "DOUBLE", "Gbit/s; registers an unknown link with it (blank: capacity unknown)"),
        Column("a_end", "VARCHAR", "host or switch the interface is on (registers an unknown link)"),
        Column("is_virtual", "BOOLEAN", "loopback, container or tunnel interface: left out of site totals"),
        Column("capacity_source", "VARCHAR", "where capacity_gbps comes from (set by the OpenMetrics reader)"),
    ),
    required=frozenset({"ts", "link_id"}),
    any_of=frozenset({"rx_bytes", "tx_bytes"}),
    aliases={
        "timestamp": ("ts", 1.0), "link": ("link_id", 1.0), "link_name": ("link_id", 1.0),
        "ifhcinoctets": ("rx_bytes", 1.0), "ifhcoutoctets": ("tx_bytes", 1.0),
        "ifhcinoctets_total": ("rx_bytes", 1.0), "ifhcoutoctets_total": ("tx_bytes", 1.0),
        "node_network_receive_bytes_total": ("rx_bytes", 1.0),
        "node_network_transmit_bytes_total": ("tx_bytes", 1.0),
        "node_network_receive_bytes": ("rx_bytes", 1.0), "node_network_transmit_bytes": ("tx_bytes", 1.0),
        "host": ("a_end", 1.0), "virtual": ("is_virtual", 1.0),
        "ifhighspeed": ("capacity_gbps", 1e-3), "capacity_mbps": ("capacity_gbps", 1e-3),
    },
)

METER_SAMPLES = Domain(
    "meter_samples",
    "Facility meter readings, one row per meter and timestamp",
    (
        Column("ts", "TIMESTAMP"),
        Column("meter_id", "VARCHAR", "meter name as in the meters inventory"),
        Column("power_kw", "DOUBLE", "kW, gauge"),
        Column("energy_kwh", "DOUBLE", "kWh, counter"),
    ),
    required=frozenset({"ts", "meter_id"}),
    any_of=frozenset({"power_kw", "energy_kwh"}),
    aliases={
        "timestamp": ("ts", 1.0), "meter": ("meter_id", 1.0), "meter_name": ("meter_id", 1.0),
        **_unit_aliases("power", "power_kw", {"kw": 1.0, "w": 1e-3, "mw": 1e3}),
        **_unit_aliases("energy", "energy_kwh", {"kwh": 1.0, "wh": 1e-3, "mwh": 1e3, "j": 1 / 3.6e6}),
    },
)

GPUS = Domain(
    "gpus",
    "GPU inventory: where each GPU sits and what it is",
    (
        Column("gpu_uuid", "VARCHAR"),
        Column("hostname", "VARCHAR"),
        Column("gpu_index", "INTEGER"),
        Column("rack", "VARCHAR"),
        Column("pod", "VARCHAR"),
        Column("model", "VARCHAR"),
    ),
    required=frozenset({"gpu_uuid"}),
    any_of=frozenset({"hostname", "rack", "pod", "model"}),
    aliases={"uuid": ("gpu_uuid", 1.0), "gpu": ("gpu_index", 1.0), "modelname": ("model", 1.0),
             "model_name": ("model", 1.0)},
    timeseries=False,
)

LINKS = Domain(
    "links",
    "Fiber-link inventory with capacity",
    (
        Column("link_id", "VARCHAR"),
        Column("a_end", "VARCHAR"),
        Column("b_end", "VARCHAR"),
        Column("capacity_gbps", "DOUBLE", "Gbit/s"),
        Column("carrier", "VARCHAR"),
        Column("kind", "VARCHAR"),
    ),
    required=frozenset({"link_id", "capacity_gbps"}),
    aliases={"link": ("link_id", 1.0), "link_name": ("link_id", 1.0),
             "capacity_mbps": ("capacity_gbps", 1e-3), "ifhighspeed": ("capacity_gbps", 1e-3)},
    timeseries=False,
)

METERS = Domain(
    "meters",
    "Facility meters and what they measure (facility, it, cooling, renewable, reuse)",
    (
        Column("meter_id", "VARCHAR"),
        Column("kind", "VARCHAR"),
        Column("description", "VARCHAR"),
    ),
    required=frozenset({"meter_id", "kind"}),
    aliases={"meter": ("meter_id", 1.0), "meter_name": ("meter_id", 1.0)},
    timeseries=False,
)

GPU_MODELS = Domain(
    "gpu_models",
    "GPU model catalog: dense peak TFLOPS per precision, TDP, memory, with the datasheet they come from",
    (
        Column("model", "VARCHAR"), Column("vendor", "VARCHAR"), Column("architecture", "VARCHAR"),
        Column("form_factor", "VARCHAR"), Column("memory_gb", "DOUBLE"), Column("tdp_w", "DOUBLE"),
        Column("max_boost_mhz", "DOUBLE"), Column("fp64_tflops", "DOUBLE"), Column("tf32_tflops", "DOUBLE"),
        Column("bf16_tflops", "DOUBLE"), Column("fp8_tflops", "DOUBLE"), Column("fp4_tflops", "DOUBLE"),
        Column("fp4_sparse_factor", "DOUBLE"),
        Column("mig_slices", "INTEGER", "compute slices of the whole GPU under MIG (7 on H100, 4 on A30)"),
        Column("source", "VARCHAR"), Column("source_date", "DATE"),
        Column("notes", "VARCHAR"),
    ),
    required=frozenset({"model", "source"}),
    any_of=frozenset({"fp64_tflops", "tf32_tflops", "bf16_tflops", "fp8_tflops", "fp4_tflops"}),
    aliases={"modelname": ("model", 1.0), "model_name": ("model", 1.0)},
    timeseries=False,
)

XID_CODES = Domain(
    "xid_codes",
    "XID error codes (DCGM_FI_DEV_XID_ERRORS values) and what they mean, with the source",
    (Column("code", "INTEGER"), Column("meaning", "VARCHAR"), Column("source", "VARCHAR")),
    required=frozenset({"code", "meaning", "source"}),
    aliases={"xid": ("code", 1.0)},
    timeseries=False,
)

PEERS = Domain(
    "peers",
    "Figures about peer AI sites and supercomputers, one sourced figure per row (docs/peers.md)",
    (
        Column("row_id", "VARCHAR", "unique id: peer_id__metric"),
        Column("peer_id", "VARCHAR"), Column("peer", "VARCHAR"), Column("operator", "VARCHAR"),
        Column("country", "VARCHAR"),
        Column("peer_group", "VARCHAR", "the file's `group`: site, top500_nov2025, eu_ai, hyperscale, ..."),
        Column("status", "VARCHAR"), Column("status_date", "VARCHAR", "free text"),
        Column("accelerator", "VARCHAR"),
        Column("metric", "VARCHAR", "one of table peer_metrics"),
        Column("value", "VARCHAR", "as the source states it"),
        Column("unit", "VARCHAR", "one of table peer_units"),
        Column("precision", "VARCHAR", "one of table peer_precisions, or empty"),
        Column("sparsity", "VARCHAR", "dense, sparse or empty"),
        Column("basis", "VARCHAR", "what the number is, in words"),
        Column("source", "VARCHAR", "URL(s), separated by ' ; '"),
        Column("source_kind", "VARCHAR", "primary, press (...), secondary, derived (...)"),
        Column("confidence", "VARCHAR", "high, medium, low"),
        Column("note", "VARCHAR"),
        Column("value_low", "DOUBLE", "the value as a number in unit (lower end)"),
        Column("value_high", "DOUBLE", "the value as a number in unit (upper end)"),
        Column("unit_note", "VARCHAR"), Column("inferred", "VARCHAR", "precision and/or sparsity"),
        Column("source_note", "VARCHAR"),
    ),
    required=frozenset({"row_id", "peer_id", "metric", "source"}),
    any_of=frozenset({"value", "value_low", "value_high"}),
    aliases={"group": ("peer_group", 1.0), "peer_name": ("peer", 1.0)},
    timeseries=False,
    unit_suffixes=False,
)

# --- energy against the law: grid carbon, water, law rules, Green500 (docs/energy.md)

GRID_CARBON_SAMPLES = Domain(
    "grid_carbon_samples",
    "Carbon intensity of the grid electricity, gCO2(eq)/kWh, one value per hour (or finer)",
    (
        Column("ts", "TIMESTAMP", "UTC, start of the hour the value holds for"),
        Column("g_co2_per_kwh", "DOUBLE", "gCO2(eq) per kWh, location-based (direct emissions)"),
    ),
    required=frozenset({"ts", "g_co2_per_kwh"}),
    aliases={
        "timestamp": ("ts", 1.0), "time": ("ts", 1.0), "datetime": ("ts", 1.0), "datetime_utc": ("ts", 1.0),
        "carbon_intensity": ("g_co2_per_kwh", 1.0), "co2_intensity": ("g_co2_per_kwh", 1.0),
        "gco2_per_kwh": ("g_co2_per_kwh", 1.0), "g_co2eq_per_kwh": ("g_co2_per_kwh", 1.0),
        "kg_co2_per_kwh": ("g_co2_per_kwh", 1e3),
        # Electricity Maps data portal CSV: "Carbon Intensity gCO₂eq/kWh (direct)" (the life-cycle
        # column is left out: its header is reported as ignored)
        "carbon_intensity_gco_eq_kwh_direct": ("g_co2_per_kwh", 1.0),
    },
)

WATER_SAMPLES = Domain(
    "water_samples",
    "Water meter registers (cumulative m³), freshwater or not, one row per meter and timestamp",
    (
        Column("ts", "TIMESTAMP"),
        Column("meter", "VARCHAR", "water meter name"),
        Column("water_m3", "DOUBLE", "m³, counter (the meter's register)"),
        Column("freshwater", "BOOLEAN", "true (default): potable or other freshwater input, counted in WUE"),
    ),
    required=frozenset({"ts", "meter", "water_m3"}),
    aliases={
        "timestamp": ("ts", 1.0), "water_meter": ("meter", 1.0), "meter_id": ("meter", 1.0),
        "meter_name": ("meter", 1.0), "fresh": ("freshwater", 1.0),
        **_unit_aliases("water", "water_m3", {"m3": 1.0, "l": 1e-3}),
        **_unit_aliases("volume", "water_m3", {"m3": 1.0, "l": 1e-3}),
    },
)

LAW_RULES = Domain(
    "law_rules",
    "The law as dated rule sets: thresholds and duties with legal reference, dates and source",
    (
        Column("rule_set", "VARCHAR"), Column("rule_id", "VARCHAR"), Column("kpi", "VARCHAR"),
        Column("comparator", "VARCHAR", "<=, >=, <, > (with a threshold), duty or info"),
        Column("threshold", "DOUBLE"), Column("threshold_lower", "DOUBLE"), Column("unit", "VARCHAR"),
        Column("applies_to", "VARCHAR"), Column("size_threshold_kw", "DOUBLE"), Column("size_basis", "VARCHAR"),
        Column("commissioning_from", "DATE"), Column("commissioning_until", "DATE"),
        Column("effective_from", "DATE"), Column("effective_until", "DATE"), Column("deadline", "VARCHAR"),
        Column("legal_reference", "VARCHAR"), Column("description", "VARCHAR"), Column("source", "VARCHAR"),
        Column("source_date", "DATE"), Column("status", "VARCHAR"), Column("confidence", "VARCHAR"),
        Column("checked_via", "VARCHAR"), Column("note", "VARCHAR"),
        Column("replaces", "VARCHAR", "rule_ids of another rule set this rule takes the place of"),
    ),
    required=frozenset({"rule_set", "rule_id", "kpi", "comparator", "legal_reference", "source"}),
    timeseries=False,
)

GREEN500 = Domain(
    "green500",
    "Green500 lists: energy efficiency of the top systems (HPL, FP64), with the source",
    (
        Column("rank", "INTEGER"), Column("top500_rank", "INTEGER"), Column("system", "VARCHAR"),
        Column("site", "VARCHAR"), Column("country", "VARCHAR"), Column("cpu_gpu", "VARCHAR"),
        Column("accelerator", "VARCHAR"), Column("cores", "BIGINT"), Column("rmax_pflops", "DOUBLE"),
        Column("power_kw", "DOUBLE"), Column("gflops_per_watt", "DOUBLE"), Column("precision", "VARCHAR"),
        Column("basis", "VARCHAR"), Column("list", "VARCHAR"), Column("list_date", "DATE"),
        Column("source", "VARCHAR"), Column("source_date", "DATE"), Column("confidence", "VARCHAR"),
        Column("note", "VARCHAR"),
    ),
    required=frozenset({"rank", "system", "gflops_per_watt", "list_date", "source"}),
    timeseries=False,
)


# --- sovereignty records (read from CSV, YAML and CycloneDX by dashboard/ingest/vendors.py, sbom.py)

# The vendor registry (dashboard/ingest/vendor_registry.py, docs/vendor_registry.md): listed before
# vendors, because a registry header also has vendor_id and hq_country.
VENDOR_REGISTRY = Domain(
    "vendor_registry",
    "Vendor registry: name and aliases, headquarters, ultimate parent, package namespaces, source, as-of date",
    (
        Column("vendor_id", "VARCHAR", "short stable id (lower case, digits, _); becomes the vendor_id"),
        Column("name", "VARCHAR", "legal or trading name"),
        Column("aliases", "VARCHAR", "other names, '|'-separated"),
        Column("hq_country", "VARCHAR", "headquarters, ISO 3166-1 alpha-2 (ZZ: unknown)"),
        Column("parent", "VARCHAR", "ultimate parent; blank: independent"),
        Column("parent_country", "VARCHAR", "ultimate parent's country, ISO 3166-1 alpha-2"),
        Column("category", "VARCHAR", "silicon, systems, networking, storage, facility_energy, cloud_colocation, "
                                      "operating_system, orchestration, ai_frameworks, models, foundation, services"),
        Column("purl_namespaces", "VARCHAR", "package-URL prefixes, '|'-separated (pkg:pypi/torch|pkg:maven/org.apache)"),
        Column("source", "VARCHAR", "URL the facts come from"),
        Column("as_of", "DATE", "date the facts were checked"),
        Column("notes", "VARCHAR"),
    ),
    required=frozenset({"vendor_id", "name", "hq_country", "source", "as_of"}),
    aliases={"headquarters_country": ("hq_country", 1.0), "ultimate_parent": ("parent", 1.0),
             "ultimate_parent_country": ("parent_country", 1.0), "purl_namespace": ("purl_namespaces", 1.0),
             "namespaces": ("purl_namespaces", 1.0), "checked": ("as_of", 1.0), "source_url": ("source", 1.0)},
    timeseries=False,
    unit_suffixes=False,
)

VENDORS = Domain(
    "vendors",
    "Vendors with headquarters country and ultimate parent (ISO 3166-1 alpha-2 codes)",
    (
        Column("vendor_id", "VARCHAR", "short stable id, referenced by components"),
        Column("name", "VARCHAR", "legal or trading name"),
        Column("hq_country", "VARCHAR", "headquarters, ISO 3166-1 alpha-2"),
        Column("parent", "VARCHAR", "ultimate parent company; blank: independent"),
        Column("parent_country", "VARCHAR", "ultimate parent's country, ISO 3166-1 alpha-2"),
        Column("notes", "VARCHAR", "ownership facts and their source"),
        Column("valid_from", "DATE", "the ownership above holds from this date on (ISO date); "
                                     "blank: since always (1900-01-01)"),
    ),
    required=frozenset({"vendor_id", "hq_country"}),
    aliases={
        "vendor": ("vendor_id", 1.0), "vendor_name": ("name", 1.0),
        "hq": ("hq_country", 1.0), "country": ("hq_country", 1.0), "headquarters": ("hq_country", 1.0),
        "headquarters_country": ("hq_country", 1.0),
        "ultimate_parent": ("parent", 1.0), "parent_company": ("parent", 1.0),
        "ultimate_parent_country": ("parent_country", 1.0),
        "effective_from": ("valid_from", 1.0), "owned_since": ("valid_from", 1.0),
    },
    timeseries=False,
)

COMPONENTS = Domain(
    "components",
    "Stack components per snapshot date: layer, vendor, spend, criticality, alternatives, kill switches",
    (
        Column("snapshot_date", "DATE", "the record describes the component as of this date"),
        Column("component_id", "VARCHAR", "stable id across snapshots"),
        Column("name", "VARCHAR"),
        Column("layer", "VARCHAR", "facility_energy, silicon, systems, networking, storage, firmware, "
                                   "operating_system, orchestration, ai_frameworks, models, services_operations"),
        Column("vendor_id", "VARCHAR", "a stored vendor"),
        Column("vendor_name", "VARCHAR", "informational only; the vendor is vendor_id"),
        Column("quantity", "DOUBLE", "units, licences, seats"),
        Column("annual_spend_eur", "DOUBLE", "EUR per year (capex annualised + opex)"),
        Column("criticality", "INTEGER", "1 (nice to have) .. 5 (the site stops without it)"),
        Column("open_source", "BOOLEAN"),
        Column("export_controlled", "BOOLEAN"),
        Column("licence_server", "BOOLEAN", "stops without the vendor's licence server"),
        Column("cloud_connection", "BOOLEAN", "stops without the vendor's cloud service"),
        Column("alternative", "VARCHAR", "an EU or open alternative that exists; blank: none"),
        Column("alternative_vendor_id", "VARCHAR", "the alternative's vendor (a stored vendor)"),
        Column("alternative_open_source", "BOOLEAN", "the alternative is open source"),
        Column("alternative_spend_eur", "DOUBLE", "EUR per year after switching"),
        Column("switch_cost_eur", "DOUBLE", "one-off cost of switching, EUR"),
        Column("retired", "BOOLEAN", "true: gone from the stack as of snapshot_date"),
        Column("source", "VARCHAR", "where the record came from (set by the SBOM reader)"),
        Column("notes", "VARCHAR"),
    ),
    required=frozenset({"component_id", "vendor_id"}),
    aliases={
        "snapshot": ("snapshot_date", 1.0), "as_of": ("snapshot_date", 1.0), "date": ("snapshot_date", 1.0),
        "component": ("component_id", 1.0), "component_name": ("name", 1.0),
        "vendor": ("vendor_id", 1.0), "qty": ("quantity", 1.0),
        "annual_spend": ("annual_spend_eur", 1.0), "spend_eur": ("annual_spend_eur", 1.0),
        "annual_spend_keur": ("annual_spend_eur", 1e3), "annual_spend_meur": ("annual_spend_eur", 1e6),
        "license_server": ("licence_server", 1.0), "cloud_dependency": ("cloud_connection", 1.0),
        "eu_alternative": ("alternative", 1.0), "open_alternative": ("alternative", 1.0),
        "alternative_vendor": ("alternative_vendor_id", 1.0),
        "switch_cost_keur": ("switch_cost_eur", 1e3), "switch_cost_meur": ("switch_cost_eur", 1e6),
    },
    timeseries=False,
)


# Every record kind. Order matters: the first domain whose required columns a header has wins, so
# telemetry (which also carries inventory labels) is tried before inventory, and a folder load
# reads files in this order within inventory and within telemetry (vendors before components).
DOMAINS: tuple[Domain, ...] = (GPU_SAMPLES, LINK_SAMPLES, METER_SAMPLES, GRID_CARBON_SAMPLES, WATER_SAMPLES,
                               GPU_MODELS, XID_CODES, LAW_RULES, GREEN500, PEERS, GPUS, LINKS, METERS,
                               VENDOR_REGISTRY, VENDORS, COMPONENTS)


def by_name(name: str) -> Domain:
    for d in DOMAINS:
        if d.name == name:
            return d
    raise KeyError(f"unknown record kind {name!r}; known: {', '.join(d.name for d in DOMAINS)}")
