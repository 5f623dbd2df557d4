"""Deterministic generator for a synthetic AI factory ("aifd" sample data).

Shaped by default like the announced Deutsche Telekom / NVIDIA "Industrial AI Cloud" in Munich:
10,000 Blackwell GPUs, 8 per node, about 75 % of nodes DGX B200 and 25 % RTX PRO 6000 Blackwell
Server Edition, nodes in racks (4 DGX or 8 RTX nodes a rack), racks in pods (16 racks a pod).

Everything is seeded (numpy PCG64) and vectorised; telemetry is generated and written one UTC day
at a time (and within a day in blocks of GPUs), so memory stays bounded at 10,000 GPUs x 7 days x
60 s (100 M rows).

Files written (see ``generate``):
  gpus.csv, links.csv, meters.csv                 inventory
  gpu_samples-YYYY-MM-DD.parquet                  per GPU and sample (rows sorted by GPU, then ts)
  link_samples-YYYY-MM-DD.parquet                 per link and sample (rx/tx byte counters)
  meter_samples-YYYY-MM-DD.parquet                per meter and sample (kW, kWh counter)
  grid_carbon.csv                                 grid carbon intensity, hourly (gCO2/kWh)
  water_samples.csv                               water registers every 15 minutes (m³ counters)
  dcgm_scrape.prom                                one dcgm-exporter scrape of one node, last sample
  vendors.csv, components.csv                     the vendor-dependency stack of the shipped sample,
                                                  scaled to this fleet (see ``write_stack``)
  manifest.json                                   parameters, row counts, sha256 per file

Units: util in percent (0..100), *_active ratios 0..1, sm_clock_mhz MHz, power_w W, energy_j J
(counter since driver load), temp_c degC, xid last XID code (0 = none), rx/tx bytes (counters),
power_kw kW, energy_kwh kWh (counter). Timestamps are UTC (Parquet timestamp[us, tz=UTC]).

Usage: python -m sample_metrics.generate OUT --gpus N --days D --interval S --seed K
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# --------------------------------------------------------------------------------------------
# Fleet constants (vendor datasheets; see queries/reference/gpu_models.csv for the sources)
# --------------------------------------------------------------------------------------------
B200 = "NVIDIA B200"
RTX = "NVIDIA RTX PRO 6000 Blackwell Server Edition"
GPUS_PER_NODE = 8
RACKS_PER_POD = 16
MODELS = {
    # model: (hostname prefix, nodes per rack, TDP W, max boost SM clock MHz, thermal rise degC)
    B200: ("dgx-b200", 4, 1000.0, 1965, 45.0),
    RTX: ("rtx6k", 8, 600.0, 2617, 50.0),
}
B200_NODE_SHARE = 0.75
IDLE_GPU_SHARE = 0.08  # GPUs idle for the whole period (util 0, power near idle)
NOPROF_GPU_SHARE = 0.02  # GPUs (whole RTX nodes) without profiling (DCP) counters
HPC_NODE_SHARE = 0.02  # B200 nodes running FP64 (HPC) work
XID_GPU_SHARE = 0.012  # GPUs with XID errors at times
HOT_GPU_SHARE = 0.003  # GPUs running hot (> 85 degC) and throttled
XID_CODES = np.array([48, 79, 94, 119], dtype=np.int32)
DRIVER_VERSION = "580.95.05"
PCI_BUS_IDS = ["00000000:1B:00.0", "00000000:43:00.0", "00000000:52:00.0", "00000000:61:00.0",
               "00000000:9D:00.0", "00000000:C3:00.0", "00000000:D1:00.0", "00000000:DF:00.0"]
SITE_LAT, SITE_LON = 48.146, 11.596  # Tucherpark, Munich
LOCAL_TZ = "Europe/Berlin"

# Links: id, a_end, b_end, capacity Gbit/s, carrier, kind
LINKS = [
    ("uplink-fra-1", "muc-tucherpark/edge-1", "fra/DE-CIX Frankfurt", 100, "Deutsche Telekom", "uplink"),
    ("uplink-fra-2", "muc-tucherpark/edge-2", "fra/DE-CIX Frankfurt", 100, "euNetworks", "uplink"),
    ("uplink-muc-1", "muc-tucherpark/edge-1", "muc/DE-CIX Munich", 100, "M-net", "uplink"),
    ("dci-muc-2", "muc-tucherpark/dci-1", "muc-site-2/dci-1", 400, "Deutsche Telekom", "dci"),
    ("spine-1", "muc-tucherpark/core-1", "muc-tucherpark/spine-1", 800, "internal", "spine"),
    ("spine-2", "muc-tucherpark/core-2", "muc-tucherpark/spine-2", 800, "internal", "spine"),
]
MAIN_UPLINK = "uplink-fra-1"  # saturates (>= 95 % of capacity, rx) at every daily peak
RESET_LINK = "uplink-muc-1"  # counters reset to 0 once mid-period (switch reboot)

METERS = [
    ("facility", "facility", "Whole site: grid connection at the medium-voltage switchgear"),
    ("it", "it", "IT load: sum of PDU outputs (GPU servers, CPUs, network, storage)"),
    ("cooling", "cooling", "Cooling plant: chillers, dry coolers, CRAH fans, pumps"),
    ("pv-roof", "renewable", "On-site rooftop photovoltaics (daylight only)"),
    ("ppa-wind", "renewable", "Contracted wind power purchase agreement (PPA), delivered share"),
    ("heat-reuse", "reuse", "Waste heat delivered to the district heating network (heat meter)"),
]

GPU_SCHEMA = pa.schema([
    ("ts", pa.timestamp("us", tz="UTC")),
    ("gpu_uuid", pa.string()),
    ("util", pa.float32()),
    ("tensor_active", pa.float32()),
    ("fp64_active", pa.float32()),
    ("sm_active", pa.float32()),
    ("sm_clock_mhz", pa.int32()),
    ("power_w", pa.float32()),
    ("energy_j", pa.int64()),
    ("temp_c", pa.float32()),
    ("xid", pa.int32()),
])
LINK_SCHEMA = pa.schema([
    ("ts", pa.timestamp("us", tz="UTC")),
    ("link_id", pa.string()),
    ("rx_bytes", pa.int64()),
    ("tx_bytes", pa.int64()),
])
METER_SCHEMA = pa.schema([
    ("ts", pa.timestamp("us", tz="UTC")),
    ("meter_id", pa.string()),
    ("power_kw", pa.float32()),
    ("energy_kwh", pa.float64()),
])

BLOCK_ELEMS = 1_000_000  # samples per GPU block (bounds memory)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _parse_start(start: str) -> int:
    s = start.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


def _iso(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _interp_hourly(series: np.ndarray, h0: int, t: np.ndarray) -> np.ndarray:
    """Linear interpolation of hourly values (last axis) at epoch seconds t."""
    x = (t - h0) / 3600.0
    i = np.floor(x).astype(np.int64)
    f = x - i
    return series[..., i] * (1.0 - f) + series[..., i + 1] * f


def _ar1(rng: np.random.Generator, shape, n: int, phi: float, sigma: float) -> np.ndarray:
    """AR(1) series along the last axis (length n), stationary, unit-free."""
    eps = rng.normal(0.0, sigma, size=tuple(shape) + (n,))
    out = np.empty_like(eps)
    out[..., 0] = eps[..., 0] / math.sqrt(1 - phi * phi)
    # n is the number of hours (small): loop over hours, vectorised over entities
    for k in range(1, n):
        out[..., k] = phi * out[..., k - 1] + eps[..., k]
    return out


def _write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _ts_array(t_sec: np.ndarray) -> pa.Array:
    return pa.array(t_sec.astype(np.int64) * 1_000_000, type=pa.timestamp("us", tz="UTC"))


# --------------------------------------------------------------------------------------------
# fleet
# --------------------------------------------------------------------------------------------
class Fleet:
    """Inventory and fixed per-node / per-GPU traits, all from the inventory RNG stream."""

    def __init__(self, gpus: int, rng: np.random.Generator):
        n_nodes = max(1, math.ceil(gpus / GPUS_PER_NODE))
        G = n_nodes * GPUS_PER_NODE
        n_rtx = 0 if n_nodes < 2 else max(1, int(round(n_nodes * (1 - B200_NODE_SHARE))))
        n_b200 = n_nodes - n_rtx
        self.n_nodes, self.G = n_nodes, G
        node_model = np.array([B200] * n_b200 + [RTX] * n_rtx, dtype=object)

        # racks: B200 racks first, then RTX racks (a new rack starts for RTX), 16 racks a pod
        hostnames, racks, pods = [], [], []
        rack_no = 0
        for model, count in ((B200, n_b200), (RTX, n_rtx)):
            prefix, per_rack = MODELS[model][0], MODELS[model][1]
            for i in range(count):
                r = rack_no + i // per_rack
                pod = f"p{r // RACKS_PER_POD + 1:02d}"
                rack = f"{pod}-r{r % RACKS_PER_POD + 1:02d}"
                hostnames.append(f"{prefix}-{rack}-n{i % per_rack + 1:02d}")
                racks.append(rack)
                pods.append(pod)
            rack_no += math.ceil(count / per_rack)
        self.hostnames = np.array(hostnames, dtype=object)
        self.node_racks = np.array(racks, dtype=object)
        self.node_pods = np.array(pods, dtype=object)
        self.node_model = node_model
        self.node_is_b200 = node_model == B200

        raw = rng.integers(0, 256, size=(G, 16), dtype=np.uint8)
        raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # uuid4-style version/variant bits
        raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
        hexs = [r.tobytes().hex() for r in raw]
        self.uuids = np.array(
            [f"GPU-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexs], dtype=object)
        self.gpu_node = np.repeat(np.arange(n_nodes), GPUS_PER_NODE)
        self.gpu_index = np.tile(np.arange(GPUS_PER_NODE), n_nodes)
        gm = node_model[self.gpu_node]
        self.gpu_is_b200 = gm == B200
        self.tdp = np.where(self.gpu_is_b200, MODELS[B200][2], MODELS[RTX][2])
        self.max_clock = np.where(self.gpu_is_b200, MODELS[B200][3], MODELS[RTX][3])
        self.rise = np.where(self.gpu_is_b200, MODELS[B200][4], MODELS[RTX][4])

        # ---- node roles: 0 training (long jobs), 1 diurnal (inference, interactive), 2 HPC (FP64)
        perm = rng.permutation(n_nodes)
        special = np.zeros(n_nodes, dtype=bool)
        self.node_noprof = np.zeros(n_nodes, dtype=bool)
        if n_rtx:
            k = min(n_rtx, max(1, int(round(NOPROF_GPU_SHARE * G / GPUS_PER_NODE))))
            cand = perm[~self.node_is_b200[perm]][:k]
            self.node_noprof[cand] = True
            special[cand] = True
        role = np.where(self.node_is_b200, 0, 1)
        u = rng.random(n_nodes)
        role = np.where(self.node_is_b200 & (u < 0.35), 1, role)
        role = np.where(~self.node_is_b200 & (u < 0.2), 0, role)
        if n_b200 >= 3:
            k = max(1, int(round(HPC_NODE_SHARE * n_nodes)))
            cand = perm[self.node_is_b200[perm] & ~special[perm]][:k]
            role[cand] = 2
            special[cand] = True
        role[self.node_noprof] = 1
        # idle GPUs: about half as whole nodes, the rest single GPUs of partly allocated nodes
        n_idle = int(round(IDLE_GPU_SHARE * G))
        n_idle_nodes = n_idle // (2 * GPUS_PER_NODE)
        cand = perm[~special[perm]][::-1][:n_idle_nodes]
        self.node_idle = np.zeros(n_nodes, dtype=bool)
        self.node_idle[cand] = True
        special[cand] = True
        self.node_role = role
        gpu_idle = self.node_idle[self.gpu_node].copy()
        free = np.flatnonzero(~special[self.gpu_node])
        free = free[rng.permutation(free.size)]
        n_single = n_idle - int(gpu_idle.sum())
        gpu_idle[free[:n_single]] = True
        free = free[n_single:]
        self.gpu_idle = gpu_idle
        # unhealthy GPUs (XID events, hot/throttled) and GPUs whose energy counter resets once
        n_xid = max(1, int(round(XID_GPU_SHARE * G)))
        n_hot = max(1, int(round(HOT_GPU_SHARE * G)))
        n_reset = 3 if G >= 64 else 2
        take = min(free.size, n_xid + n_hot + n_reset)
        picks = free[:take]
        self.gpu_xid = np.zeros(G, dtype=bool)
        self.gpu_hot = np.zeros(G, dtype=bool)
        self.xid_gpus = np.sort(picks[:n_xid])
        self.gpu_xid[self.xid_gpus] = True
        self.gpu_hot[picks[n_xid:n_xid + n_hot]] = True
        self.reset_gpus = np.sort(picks[n_xid + n_hot:take])
        self.gpu_noprof = self.node_noprof[self.gpu_node]

        # fixed per-GPU traits
        self.idle_frac = rng.uniform(0.15, 0.20, G)  # idle power as a share of TDP
        self.temp_off = rng.normal(0.0, 2.0, G) + np.where(self.gpu_hot, rng.uniform(20, 26, G), 0)
        self.ambient = rng.uniform(26.0, 31.0, G)
        # fixed per-node traits
        self.sm_factor = rng.uniform(0.72, 0.92, n_nodes)
        self.fp64_base = rng.uniform(0.0, 0.006, n_nodes)
        self.diurnal_scale = rng.uniform(0.85, 1.2, n_nodes)
        self.diurnal_thr = rng.uniform(0.2, 0.65, n_nodes)
        self.diurnal_tensor = rng.uniform(0.2, 0.45, n_nodes)
        # energy counter at period start: driver loaded 1..40 days before, at ~half TDP
        self.energy0 = rng.uniform(1, 40, G) * 86400 * 0.5 * self.tdp

    def gpu_rows(self):
        gn = self.gpu_node
        return list(zip(self.uuids, self.hostnames[gn], self.gpu_index, self.node_racks[gn],
                        self.node_pods[gn], self.node_model[gn]))


# --------------------------------------------------------------------------------------------
# slow processes for the whole period (hourly, tiny)
# --------------------------------------------------------------------------------------------
class Schedules:
    def __init__(self, fleet: Fleet, t0: int, t_end: int, interval: int,
                 rng_sched: np.random.Generator, rng_env: np.random.Generator):
        self.t0, self.t_end, self.interval = t0, t_end, interval
        span = t_end - t0
        # ---- training / HPC jobs per node: alternating busy [start, end) and gaps
        sched_nodes = np.flatnonzero(np.isin(fleet.node_role, (0, 2)) & ~fleet.node_idle)
        self.sched_nodes = sched_nodes
        ns = sched_nodes.size
        K = int(span / 3600 / 2) + 8
        while True:
            dur = np.clip(rng_sched.lognormal(math.log(5 * 3600), 0.8, (ns, K)), 1800, 36 * 3600)
            gap = np.clip(rng_sched.exponential(25 * 60, (ns, K)), 120, 8 * 3600)
            first = t0 - rng_sched.uniform(0, 12 * 3600, (ns, 1))
            starts = first + np.concatenate([np.zeros((ns, 1)), np.cumsum(dur + gap, axis=1)[:, :-1]],
                                            axis=1)
            ends = starts + dur
            if ns == 0 or (starts[:, -1] > t_end).all():
                break
            K *= 2
        self.job_start, self.job_end = starts, ends
        self.K = K
        self.big = float(span + 200 * 86400)
        self.ends_flat = (ends - t0 + np.arange(ns)[:, None] * self.big).ravel()
        self.job_tensor = rng_sched.uniform(0.35, 0.62, (ns, K))
        is_hpc = (fleet.node_role[sched_nodes] == 2)[:, None]
        self.job_tensor = np.where(is_hpc, rng_sched.uniform(0.04, 0.15, (ns, K)), self.job_tensor)
        self.job_fp64 = np.where(is_hpc, rng_sched.uniform(0.3, 0.65, (ns, K)), 0.0)
        self.job_level = rng_sched.uniform(0.9, 1.0, (ns, K))

        # ---- XID events: 1 or 2 per XID GPU
        xg = fleet.xid_gpus
        n_ev = rng_sched.integers(1, 3, xg.size)
        self.xid_gpu = np.repeat(xg, n_ev)
        ne = self.xid_gpu.size
        self.xid_t = t0 + rng_sched.uniform(0.0, 1.0, ne) * span
        self.xid_dur = rng_sched.uniform(1800, 6 * 3600, ne)
        self.xid_code = XID_CODES[rng_sched.integers(0, XID_CODES.size, ne)]

        # ---- energy counter resets (driver reload), middle of the period, on a sample
        n_steps = span // interval
        lo, hi = max(1, int(n_steps * 0.3)), max(2, int(n_steps * 0.7))
        self.reset_step = rng_sched.integers(lo, hi, fleet.reset_gpus.size) if n_steps > 2 else \
            np.full(fleet.reset_gpus.size, max(1, n_steps - 1))
        self.reset_after = rng_sched.uniform(200, 5000, fleet.reset_gpus.size)  # J after reload
        self.link_reset_step = int(rng_sched.integers(lo, hi)) if n_steps > 2 else max(1, n_steps - 1)

        # ---- hourly environment (continuous across days)
        self.h0 = (t0 // 3600) * 3600 - 3600
        H = int((t_end - self.h0) // 3600) + 3
        self.diurnal_noise = _ar1(rng_env, (fleet.n_nodes,), H, 0.8, 0.08)
        self.wind = _ar1(rng_env, (), H, 0.93, 0.35)  # logit of capacity factor
        self.temp_noise = _ar1(rng_env, (), H, 0.97, 0.6)
        self.cloud = np.clip(_ar1(rng_env, (), H, 0.9, 0.25) + 0.5, 0.05, 1.0)
        self.net_noise = _ar1(rng_env, (len(LINKS),), H, 0.7, 0.03)


def _local_load(t: np.ndarray):
    """Fleet demand cycle L(t) in 0..1 (peak in European business hours) and network curve."""
    idx = pd.to_datetime(t.astype(np.int64), unit="s", utc=True).tz_convert(LOCAL_TZ)
    h = np.asarray(idx.hour + idx.minute / 60.0 + idx.second / 3600.0, dtype=np.float64)
    weekend = np.asarray(idx.day_of_week >= 5)
    plateau = _sigmoid((h - 7.5) / 0.8) * _sigmoid((19.0 - h) / 1.2)
    load = 0.15 + 0.85 * plateau * np.where(weekend, 0.55, 1.0)
    # network demand peaks a bit later (14:00 local) and also on weekends
    net = 0.2 + 0.85 * np.exp(-((h - 14.0) / 4.0) ** 2) * np.where(weekend, 0.92, 1.0)
    return load, net, h


def _outside_temp(t: np.ndarray, sched: Schedules, local_h: np.ndarray) -> np.ndarray:
    doy = pd.to_datetime(t.astype(np.int64), unit="s", utc=True).day_of_year.to_numpy()
    seasonal = 9.0 - 11.0 * np.cos(2 * np.pi * (doy - 20) / 365.0)
    daily = 3.5 * np.cos(2 * np.pi * (local_h - 14.5) / 24.0)
    return seasonal + daily + 2.5 * _interp_hourly(sched.temp_noise, sched.h0, t)


def _sun_sin_elevation(t: np.ndarray) -> np.ndarray:
    doy = pd.to_datetime(t.astype(np.int64), unit="s", utc=True).day_of_year.to_numpy()
    decl = np.radians(23.44) * np.sin(2 * np.pi * (284 + doy) / 365.0)
    solar_h = (t % 86400) / 3600.0 + SITE_LON / 15.0
    ha = np.radians(15.0 * (solar_h - 12.0))
    lat = np.radians(SITE_LAT)
    return np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(ha)


# --------------------------------------------------------------------------------------------
# one day of GPU samples, written in GPU blocks
# --------------------------------------------------------------------------------------------
def _node_activity(fleet: Fleet, sched: Schedules, t: np.ndarray, load: np.ndarray,
                   rng: np.random.Generator):
    """Per node and sample: activity level b, tensor intensity, fp64 intensity (N, S)."""
    N, S = fleet.n_nodes, t.size
    b = np.zeros((N, S))
    kt = np.zeros((N, S))
    kf = np.zeros((N, S))
    # diurnal nodes
    dn = np.flatnonzero(fleet.node_role == 1)
    if dn.size:
        p = load[None, :] * fleet.diurnal_scale[dn, None] + _interp_hourly(
            sched.diurnal_noise[dn], sched.h0, t)
        busy = p > fleet.diurnal_thr[dn, None]
        b[dn] = busy * np.clip(0.35 + 0.6 * p + rng.normal(0, 0.04, p.shape), 0.15, 1.0)
        kt[dn] = fleet.diurnal_tensor[dn, None]
    # scheduled (training / HPC) nodes
    sn = sched.sched_nodes
    if sn.size:
        q = (t[None, :] - sched.t0) + np.arange(sn.size)[:, None] * sched.big
        gi = np.searchsorted(sched.ends_flat, q.ravel(), side="right").reshape(q.shape)
        row = np.arange(sn.size)[:, None]
        k = np.minimum(gi - row * sched.K, sched.K - 1)
        busy = t[None, :] >= sched.job_start[row, k]
        b[sn] = busy * sched.job_level[row, k]
        kt[sn] = sched.job_tensor[row, k]
        kf[sn] = sched.job_fp64[row, k]
    b[fleet.node_idle] = 0.0
    return b, kt, kf


def _gpu_block(fleet: Fleet, sched: Schedules, g0: int, g1: int, t: np.ndarray,
               step0: int, nb: np.ndarray, nkt: np.ndarray, nkf: np.ndarray,
               energy_carry: np.ndarray, rng: np.random.Generator):
    """Samples of GPUs g0..g1 for the day's steps; arrays shaped (Gb, S)."""
    gsl = slice(g0, g1)
    nodes = fleet.gpu_node[gsl]
    Gb, S = g1 - g0, t.size
    b = nb[nodes] * np.clip(1.0 + rng.normal(0, 0.02, (Gb, S)), 0.0, 1.05)
    b[fleet.gpu_idle[gsl]] = 0.0
    xid = np.zeros((Gb, S), dtype=np.int32)
    # XID windows (few events; vectorised over samples)
    sel = np.flatnonzero((sched.xid_gpu >= g0) & (sched.xid_gpu < g1))
    for e in sel:
        m = (t >= sched.xid_t[e]) & (t < sched.xid_t[e] + sched.xid_dur[e])
        if m.any():
            r = sched.xid_gpu[e] - g0
            xid[r, m] = sched.xid_code[e]
            b[r, m] = 0.0
    b = np.clip(b, 0.0, 1.0)
    busy = b > 0.0
    kt = nkt[nodes]
    kf = nkf[nodes]
    smf = fleet.sm_factor[nodes][:, None]
    sm = np.clip(b * smf + busy * rng.normal(0, 0.02, (Gb, S)), 0.0, 1.0)
    tensor = np.minimum(np.clip(b * kt + busy * rng.normal(0, 0.02, (Gb, S)), 0.0, 1.0), sm)
    fp64 = np.where(kf > 0, np.clip(b * kf + busy * rng.normal(0, 0.02, (Gb, S)), 0.0, 1.0),
                    b * fleet.fp64_base[nodes][:, None])
    fp64 = np.minimum(fp64, sm)
    util = np.where(busy, np.clip(100.0 * np.minimum(1.0, b * 1.6) + rng.normal(0, 2.0, (Gb, S)),
                                  1.0, 100.0), 0.0)
    util = np.round(util)
    pf = np.clip(0.2 * util / 100.0 + 0.45 * sm + 0.6 * tensor + 0.5 * fp64
                 + rng.normal(0, 0.012, (Gb, S)), 0.0, 1.0)
    tdp = fleet.tdp[gsl][:, None]
    idle_w = tdp * fleet.idle_frac[gsl][:, None]
    temp = fleet.ambient[gsl][:, None] + fleet.temp_off[gsl][:, None] + fleet.rise[gsl][:, None] * pf \
        + rng.normal(0, 0.7, (Gb, S))
    temp = np.minimum(temp, 95.0 + rng.normal(0, 0.7, (Gb, S)))  # firmware keeps it below ~96
    hot = temp > 85.0
    # throttling: clock down 15-30 %, power follows
    throttle = np.where(hot, rng.uniform(0.70, 0.85, (Gb, S)), 1.0)
    pf = pf * np.where(hot, 0.85, 1.0)
    power = np.round(idle_w + (tdp - idle_w) * pf + rng.normal(0, 1.5, (Gb, S)), 1)
    power = np.clip(power, 0.5 * idle_w, tdp)
    maxc = fleet.max_clock[gsl][:, None]
    clock_busy = maxc - 15 * rng.integers(0, 3, (Gb, S))
    clock = np.where(busy, clock_busy * throttle, np.round(maxc * 0.4 / 15) * 15)
    clock = (np.round(clock / 15) * 15).astype(np.int32)
    temp = np.round(temp)

    # energy counter: rectangle rule, E[k] = E[k-1] + P[k] * dt
    inc = power * sched.interval
    energy = energy_carry[gsl][:, None] + np.cumsum(inc, axis=1)
    for j, g in enumerate(fleet.reset_gpus):
        if g0 <= g < g1:
            ls = sched.reset_step[j] - step0
            if 0 <= ls < S:
                r = g - g0
                energy[r, ls:] = sched.reset_after[j] + np.cumsum(inc[r, ls:])
    energy_carry[gsl] = energy[:, -1]

    noprof = fleet.gpu_noprof[gsl]
    ratios = {}
    for name, arr in (("tensor_active", tensor), ("fp64_active", fp64), ("sm_active", sm)):
        a = np.round(arr, 3).astype(np.float32)
        mask = np.repeat(noprof, S)
        ratios[name] = pa.array(a.ravel(), mask=mask if noprof.any() else None, type=pa.float32())
    cols = {
        "ts": _ts_array(np.tile(t, Gb)),
        "gpu_uuid": pa.array(fleet.uuids[gsl]).take(pa.array(np.repeat(np.arange(Gb), S))),
        "util": pa.array(util.astype(np.float32).ravel()),
        **ratios,
        "sm_clock_mhz": pa.array(clock.ravel()),
        "power_w": pa.array(power.astype(np.float32).ravel()),
        "energy_j": pa.array(np.floor(energy).astype(np.int64).ravel()),
        "temp_c": pa.array(temp.astype(np.float32).ravel()),
        "xid": pa.array(xid.ravel()),
    }
    table = pa.table([cols[f.name] for f in GPU_SCHEMA], schema=GPU_SCHEMA)
    last = {"util": util[:, -1], "tensor": np.round(tensor[:, -1], 3),
            "fp64": np.round(fp64[:, -1], 3), "sm": np.round(sm[:, -1], 3),
            "clock": clock[:, -1], "power": power[:, -1], "energy": energy[:, -1],
            "temp": temp[:, -1], "xid": xid[:, -1]}
    return table, power.sum(axis=0), last


PARQUET_OPTS = dict(compression="zstd", compression_level=9, store_schema=False,
                    write_statistics=True)


def _gpu_writer(path: Path) -> pq.ParquetWriter:
    return pq.ParquetWriter(
        path, GPU_SCHEMA, **PARQUET_OPTS,
        use_dictionary=["gpu_uuid", "util", "sm_clock_mhz", "temp_c", "xid",
                        "tensor_active", "fp64_active", "sm_active", "power_w"],
        column_encoding={"ts": "DELTA_BINARY_PACKED", "energy_j": "DELTA_BINARY_PACKED"})


# --------------------------------------------------------------------------------------------
# links and meters for one day
# --------------------------------------------------------------------------------------------
def _link_day(sched: Schedules, t: np.ndarray, step0: int, net: np.ndarray,
              carry: np.ndarray, rng: np.random.Generator) -> pa.Table:
    """rx/tx counters for all links; carry holds the last counter values (n_links, 2)."""
    S = t.size
    nn = _interp_hourly(sched.net_noise, sched.h0, t)  # (L, S)
    caps = np.array([lk[3] for lk in LINKS], dtype=np.float64) * 1e9 / 8  # bytes/s
    # demand as a share of capacity: (rx base, rx amplitude, tx base, tx amplitude)
    shape = {
        "uplink-fra-1": (0.25, 0.95, 0.12, 0.55),
        "uplink-fra-2": (0.10, 0.45, 0.06, 0.30),
        "uplink-muc-1": (0.08, 0.40, 0.05, 0.25),
        "dci-muc-2": (0.10, 0.35, 0.10, 0.35),
        "spine-1": (0.15, 0.45, 0.15, 0.45),
        "spine-2": (0.12, 0.40, 0.12, 0.40),
    }
    cols_rx, cols_tx = [], []
    for i, lk in enumerate(LINKS):
        rb, ra, tb, ta = shape[lk[0]]
        jitter = rng.normal(0, 0.01, (2, S))
        rx = np.clip(rb + ra * net + nn[i] + jitter[0], 0.01, None)
        tx = np.clip(tb + ta * net + nn[i] * 0.5 + jitter[1], 0.01, None)
        if lk[0] == MAIN_UPLINK:  # saturated: throughput flattens just under line rate
            ceiling = rng.uniform(0.965, 0.99, S)
            rx = np.minimum(rb + ra * net + jitter[0], ceiling)
        rx = np.minimum(rx, 0.995)
        tx = np.minimum(tx, 0.995)
        cols_rx.append(np.round(rx * caps[i] * sched.interval))
        cols_tx.append(np.round(tx * caps[i] * sched.interval))
    inc = np.stack([np.stack(cols_rx), np.stack(cols_tx)], axis=2)  # (L, S, 2)
    cnt = carry[:, None, :] + np.cumsum(inc, axis=1)
    ri = [lk[0] for lk in LINKS].index(RESET_LINK)
    ls = sched.link_reset_step - step0
    if 0 <= ls < S:
        cnt[ri, ls:, :] = np.cumsum(inc[ri, ls:, :], axis=0) - inc[ri, ls, :]
    carry[:] = cnt[:, -1, :]
    n_l = len(LINKS)
    return pa.table([
        _ts_array(np.tile(t, n_l)),
        pa.array(np.repeat([lk[0] for lk in LINKS], S)),
        pa.array(cnt[:, :, 0].astype(np.int64).ravel()),
        pa.array(cnt[:, :, 1].astype(np.int64).ravel()),
    ], schema=LINK_SCHEMA)


def _meter_day(fleet: Fleet, sched: Schedules, t: np.ndarray, load: np.ndarray,
               local_h: np.ndarray, gpu_w: np.ndarray, nominal_kw: float,
               carry: np.ndarray, rng: np.random.Generator) -> pa.Table:
    S = t.size
    gpu_kw = gpu_w / 1000.0
    nongpu = gpu_kw * (0.26 + 0.06 * load + rng.normal(0, 0.004, S))
    it = gpu_kw + nongpu
    t_out = _outside_temp(t, sched, local_h)
    cooling = it * (0.15 + 0.006 * np.clip(t_out, -5, 40) + rng.normal(0, 0.003, S))
    losses = it * 0.045 + 0.01 * nominal_kw
    facility = it + cooling + losses
    sun = np.clip(_sun_sin_elevation(t), 0.0, None)
    pv = 0.02 * nominal_kw * 1.1 * sun * _interp_hourly(sched.cloud, sched.h0, t)
    cf = _sigmoid(_interp_hourly(sched.wind, sched.h0, t) - 0.1)
    ppa = np.minimum(1.15 * nominal_kw * cf, facility - pv)
    heat = facility * (0.03 + 0.0015 * np.clip(15.0 - t_out, 0, 25) + rng.normal(0, 0.002, S))
    power = np.stack([facility, it, cooling, pv, ppa, heat])  # order of METERS
    power = np.round(np.clip(power, 0.0, None), 3)
    energy = carry[:, None] + np.cumsum(power * sched.interval / 3600.0, axis=1)
    carry[:] = energy[:, -1]
    n_m = len(METERS)
    return pa.table([
        _ts_array(np.tile(t, n_m)),
        pa.array(np.repeat([m[0] for m in METERS], S)),
        pa.array(power.astype(np.float32).ravel()),
        pa.array(np.round(energy, 3).ravel()),
    ], schema=METER_SCHEMA), power[1], t_out


# --------------------------------------------------------------------------------------------
# grid carbon intensity and water (own random streams: the files above do not change with them)
# --------------------------------------------------------------------------------------------
WATER_METERS = [  # name, freshwater (counts in WUE), register at period start (m³)
    ("water-mains", True, 18_250.0),
    ("water-rain", False, 1_120.0),
]
WATER_STEP_S = 900  # smart water meters: a reading every 15 minutes


def _grid_carbon(sched: Schedules, t0: int, t_end: int, rng: np.random.Generator) -> list[tuple]:
    """Hourly gCO2/kWh of the German grid: lower when wind blows and at midday sun, about 250-550 in
    November (the shape only: the sample is synthetic)."""
    hours = np.arange((t0 // 3600) * 3600, t_end, 3600, dtype=np.int64)
    wind = _sigmoid(_interp_hourly(sched.wind, sched.h0, hours.astype(np.float64)) - 0.1)
    sun = np.clip(_sun_sin_elevation(hours.astype(np.float64)), 0.0, None)
    g = 560.0 - 330.0 * wind - 120.0 * sun + rng.normal(0.0, 12.0, hours.size)
    return [(_iso(int(h)), round(float(v), 1)) for h, v in zip(hours, np.clip(g, 80.0, 900.0))]


def _water_day(t: np.ndarray, it_kw: np.ndarray, t_out: np.ndarray, carry: np.ndarray,
               rng: np.random.Generator) -> list[tuple]:
    """Water registers (m³) at every 15-minute sample: mains water for the adiabatic coolers grows
    with IT load and outside temperature; harvested rainwater is a small steady share."""
    dt = np.diff(np.concatenate([[t[0] - (t[1] - t[0] if t.size > 1 else 300)], t]))
    fresh_l = it_kw * dt / 3600 * (0.12 + 0.012 * np.clip(t_out, 0, 40)) * rng.uniform(0.9, 1.1, t.size)
    rain_l = it_kw * dt / 3600 * 0.02 * rng.uniform(0.8, 1.2, t.size)
    reg = carry[:, None] + np.cumsum(np.stack([fresh_l, rain_l]) / 1000.0, axis=1)
    carry[:] = reg[:, -1]
    keep = (t.astype(np.int64) % WATER_STEP_S) == 0
    return [(_iso(int(ts)), m[0], round(float(reg[i, k]), 3), "true" if m[1] else "false")
            for k, ts in enumerate(t) if keep[k] for i, m in enumerate(WATER_METERS)]


# --------------------------------------------------------------------------------------------
# dcgm-exporter scrape
# --------------------------------------------------------------------------------------------
PROM_METRICS = [
    ("DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).", "clock", "int"),
    ("DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).", "temp", "int"),
    ("DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).", "power", "float"),
    ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter",
     "Total energy consumption since boot (in mJ).", "energy_mj", "int"),
    ("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).", "util", "int"),
    ("DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered.", "xid", "int"),
    ("DCGM_FI_PROF_SM_ACTIVE", "gauge",
     "The ratio of cycles an SM has at least 1 warp assigned (in %).", "sm", "float"),
    ("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "gauge",
     "Ratio of cycles the tensor (HMMA) pipe is active (in %).", "tensor", "float"),
    ("DCGM_FI_PROF_PIPE_FP64_ACTIVE", "gauge",
     "Ratio of cycles the fp64 pipes are active (in %).", "fp64", "float"),
]


def _prom_text(fleet: Fleet, node: int, vals: dict) -> str:
    host = fleet.hostnames[node]
    model = fleet.node_model[node]
    g0 = node * GPUS_PER_NODE
    lines = []
    for name, typ, help_, key, kind in PROM_METRICS:
        lines.append(f"# HELP {name} {help_}")
        lines.append(f"# TYPE {name} {typ}")
        for i in range(GPUS_PER_NODE):
            g = g0 + i
            v = vals[key][i]
            if kind == "int":
                sv = str(int(v))
            else:
                sv = f"{float(v):.6f}"
            labels = (f'gpu="{i}",UUID="{fleet.uuids[g]}",pci_bus_id="{PCI_BUS_IDS[i]}",'
                      f'device="nvidia{i}",modelName="{model}",Hostname="{host}",'
                      f'DCGM_FI_DRIVER_VERSION="{DRIVER_VERSION}"')
            lines.append(f"{name}{{{labels}}} {sv}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# vendor-dependency stack (sovereignty records)
# --------------------------------------------------------------------------------------------
STACK_DIR = Path(__file__).resolve().parent / "small"  # the shipped stack: a ~10,000-GPU site
# Components whose quantity the inventory fixes in the latest snapshot: (fleet count, per unit).
FLEET_COMPONENTS = {"gpu-b200": ("b200_gpus", 1), "gpu-rtxpro6000": ("rtx_gpus", 1),
                    "dgx-b200": ("b200_nodes", 1), "rtx-servers": ("rtx_nodes", 1),
                    "cpu-xeon": ("b200_nodes", 2), "cpu-epyc": ("rtx_nodes", 2), "supernics": ("b200_gpus", 1)}
MONEY = ("annual_spend_eur", "alternative_spend_eur", "switch_cost_eur")


def _scale_row(row: dict, factor: float) -> dict:
    out = dict(row)
    for col in MONEY:
        if out.get(col, "") != "":
            out[col] = str(int(round(float(out[col]) * factor)))
    q = out.get("quantity", "")
    if q != "" and float(q) > 1:
        out["quantity"] = str(max(1, int(round(float(q) * factor))))
    return out


def write_stack(fleet: "Fleet", out: Path, template: Path = STACK_DIR) -> list[Path]:
    """vendors.csv and components.csv for this fleet: the shipped stack with quantities and spend
    scaled by (fleet GPUs / the stack's GPUs), and, in its latest snapshot, the GPUs, systems, CPUs
    and NICs the inventory fixes set to this fleet's counts (spend at the stack's unit prices).

    Writes nothing when ``out`` is the template's own folder (the stack is its own template).
    """
    if out.resolve() == template.resolve():
        return []
    with open(template / "components.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames or []), list(reader)
    latest = max(r["snapshot_date"] for r in rows)
    stack_gpus = sum(float(r["quantity"]) for r in rows
                     if r["snapshot_date"] == latest and r["component_id"] in ("gpu-b200", "gpu-rtxpro6000"))
    factor = fleet.G / stack_gpus if stack_gpus else 1.0
    n_b200 = int(fleet.node_is_b200.sum())
    counts = {"b200_nodes": n_b200, "rtx_nodes": fleet.n_nodes - n_b200,
              "b200_gpus": n_b200 * GPUS_PER_NODE, "rtx_gpus": (fleet.n_nodes - n_b200) * GPUS_PER_NODE}
    # each fleet component's latest record (carried forward when the latest snapshot does not repeat it)
    last_of = {}
    for r in rows:
        if r["component_id"] in FLEET_COMPONENTS and r["snapshot_date"] >= last_of.get(r["component_id"], ("",))[0]:
            last_of[r["component_id"]] = (r["snapshot_date"], r)
    scaled = []
    for r in rows:
        key = r["component_id"]
        if key in FLEET_COMPONENTS and last_of[key][1] is r:
            kind, per = FLEET_COMPONENTS[key]
            q = counts[kind] * per
            out_r = _scale_row(r, q / float(r["quantity"]) if float(r["quantity"]) else factor)
            out_r["quantity"] = str(q)
            if q == 0:
                out_r["retired"] = "true"
                out_r["quantity"] = r["quantity"]
            scaled.append(out_r)
        else:
            scaled.append(_scale_row(r, factor))
    written = []
    p = out / "components.csv"
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(scaled)
    written.append(p)
    p = out / "vendors.csv"
    p.write_bytes((template / "vendors.csv").read_bytes())
    written.append(p)
    return written


# --------------------------------------------------------------------------------------------
# main entry
# --------------------------------------------------------------------------------------------
def generate(out_dir: str | Path, gpus: int = 10_000, days: float = 7, interval_s: int = 60,
             seed: int = 42, start: str = "2026-11-16T00:00:00Z",
             progress: Callable[[str], None] | None = None) -> dict[str, Path]:
    """Generate the synthetic fleet into out_dir; returns {file name: path} of written files."""
    if gpus < 1:
        raise ValueError("gpus must be >= 1")
    if interval_s < 1:
        raise ValueError("interval_s must be >= 1")
    if days <= 0:
        raise ValueError("days must be > 0")
    say = progress or (lambda msg: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = _parse_start(start)
    n_steps = int(round(days * 86400 / interval_s))
    if n_steps < 1:
        raise ValueError("days * 86400 / interval_s must be >= 1 sample")
    t_end = t0 + n_steps * interval_s

    root = np.random.SeedSequence(seed)
    ss_inv, ss_sched, ss_env, ss_days = root.spawn(4)
    ss_extra = root.spawn(1)[0]  # grid carbon and water: a fifth stream, so the others stay as they were
    rng_extra = np.random.Generator(np.random.PCG64(ss_extra))
    fleet = Fleet(gpus, np.random.Generator(np.random.PCG64(ss_inv)))
    sched = Schedules(fleet, t0, t_end, interval_s,
                      np.random.Generator(np.random.PCG64(ss_sched)),
                      np.random.Generator(np.random.PCG64(ss_env)))
    G = fleet.G
    say(f"fleet: {G} GPUs in {fleet.n_nodes} nodes ({int(fleet.node_is_b200.sum())} DGX B200, "
        f"{int((~fleet.node_is_b200).sum())} RTX PRO 6000), {n_steps} samples of {interval_s} s "
        f"from {_iso(t0)}")

    written: dict[str, Path] = {}
    rows: dict[str, int] = {}

    # ---- inventory
    p = out / "gpus.csv"
    _write_csv(p, ["gpu_uuid", "hostname", "gpu_index", "rack", "pod", "model"], fleet.gpu_rows())
    written[p.name] = p
    rows["gpus"] = G
    p = out / "links.csv"
    _write_csv(p, ["link_id", "a_end", "b_end", "capacity_gbps", "carrier", "kind"], LINKS)
    written[p.name] = p
    rows["links"] = len(LINKS)
    p = out / "meters.csv"
    _write_csv(p, ["meter_id", "kind", "description"], METERS)
    written[p.name] = p
    rows["meters"] = len(METERS)

    # nominal facility power (kW) to size renewables: ~60 % mean GPU load x 1.3 non-GPU x 1.25
    nominal_kw = float(fleet.tdp.sum()) * 0.6 * 1.3 * 1.25 / 1000.0
    energy_carry = fleet.energy0.copy()
    link_rng0 = np.random.Generator(np.random.PCG64(ss_env.spawn(1)[0]))
    link_carry = np.floor(link_rng0.uniform(1e14, 5e16, (len(LINKS), 2)))
    meter_carry = np.round(link_rng0.uniform(1e6, 5e7, len(METERS)), 3)
    meter_carry[1] = meter_carry[0] * 0.78  # IT counter below facility counter
    meter_carry[2] = meter_carry[0] * 0.15
    meter_carry[5] = meter_carry[0] * 0.04

    # node shown in the dcgm scrape: the first training B200 node with profiling, else node 0
    cand = np.flatnonzero((fleet.node_role == 0) & fleet.node_is_b200 & ~fleet.node_idle
                          & ~fleet.node_noprof)
    scrape_node = int(cand[0]) if cand.size else 0
    scrape_vals = None

    water_carry = np.array([m[2] for m in WATER_METERS])
    water_rows: list[tuple] = []
    carbon_rows = _grid_carbon(sched, t0, t_end, rng_extra)

    steps_all = np.arange(n_steps, dtype=np.int64)
    t_all = t0 + steps_all * interval_s
    day_of = t_all // 86400
    day_ids, day_first = np.unique(day_of, return_index=True)
    day_bounds = list(day_first) + [n_steps]
    day_seqs = ss_days.spawn(len(day_ids))
    rows["gpu_samples"] = rows["link_samples"] = rows["meter_samples"] = 0
    max_day_steps = int(np.diff(day_bounds).max())
    block = max(GPUS_PER_NODE, BLOCK_ELEMS // max_day_steps // GPUS_PER_NODE * GPUS_PER_NODE)

    for di, day in enumerate(day_ids):
        tic = time.perf_counter()
        s0, s1 = int(day_bounds[di]), int(day_bounds[di + 1])
        t = t_all[s0:s1].astype(np.float64)
        date = datetime.fromtimestamp(int(day) * 86400, tz=timezone.utc).strftime("%Y-%m-%d")
        rng = np.random.Generator(np.random.PCG64(day_seqs[di]))
        load, net, local_h = _local_load(t)
        nb, nkt, nkf = _node_activity(fleet, sched, t, load, rng)

        p = out / f"gpu_samples-{date}.parquet"
        gpu_w = np.zeros(t.size)
        with _gpu_writer(p) as w:
            for g0 in range(0, G, block):
                g1 = min(G, g0 + block)
                table, psum, last = _gpu_block(fleet, sched, g0, g1, t, s0, nb, nkt, nkf,
                                               energy_carry, rng)
                gpu_w += psum
                w.write_table(table, row_group_size=table.num_rows)
                if s1 == n_steps:
                    a = scrape_node * GPUS_PER_NODE
                    if g0 <= a < g1:
                        sl = slice(a - g0, a - g0 + GPUS_PER_NODE)
                        scrape_vals = {k: v[sl] for k, v in last.items()}
                del table
        written[p.name] = p
        rows["gpu_samples"] += G * t.size

        p = out / f"link_samples-{date}.parquet"
        lt = _link_day(sched, t, s0, net, link_carry, rng)
        pq.write_table(lt, p, **PARQUET_OPTS,
                       column_encoding={"ts": "DELTA_BINARY_PACKED", "rx_bytes": "DELTA_BINARY_PACKED",
                                        "tx_bytes": "DELTA_BINARY_PACKED"},
                       use_dictionary=["link_id"])
        written[p.name] = p
        rows["link_samples"] += lt.num_rows

        p = out / f"meter_samples-{date}.parquet"
        mt, it_kw, t_out = _meter_day(fleet, sched, t, load, local_h, gpu_w, nominal_kw, meter_carry, rng)
        water_rows += _water_day(t, it_kw, t_out, water_carry, rng_extra)
        pq.write_table(mt, p, **PARQUET_OPTS, column_encoding={"ts": "DELTA_BINARY_PACKED"},
                       use_dictionary=["meter_id", "power_kw"])
        written[p.name] = p
        rows["meter_samples"] += mt.num_rows
        say(f"day {date}: {G * t.size:,} GPU rows, {lt.num_rows:,} link rows, "
            f"{mt.num_rows:,} meter rows in {time.perf_counter() - tic:.1f} s")

    # ---- grid carbon intensity (hourly) and water registers (15 min)
    p = out / "grid_carbon.csv"
    _write_csv(p, ["ts", "g_co2_per_kwh"], carbon_rows)
    written[p.name] = p
    rows["grid_carbon_samples"] = len(carbon_rows)
    p = out / "water_samples.csv"
    _write_csv(p, ["ts", "meter", "water_m3", "freshwater"], water_rows)
    written[p.name] = p
    rows["water_samples"] = len(water_rows)

    # ---- dcgm-exporter scrape of one node at the last timestamp
    v = dict(scrape_vals)
    v["energy_mj"] = np.floor(v["energy"]).astype(np.int64) * 1000
    p = out / "dcgm_scrape.prom"
    with open(p, "w", encoding="utf-8", newline="\n") as f:
        f.write(_prom_text(fleet, scrape_node, v))
    written[p.name] = p

    # ---- vendor-dependency records, scaled to the fleet
    for p in write_stack(fleet, out):
        written[p.name] = p
        rows[p.stem] = sum(1 for _ in open(p, encoding="utf-8")) - 1

    # ---- manifest
    manifest = {
        "generator": "sample_metrics.generate",
        "params": {"gpus": G, "gpus_requested": gpus, "days": days, "interval_s": interval_s,
                   "seed": seed, "start": _iso(t0), "end": _iso(t_end),
                   "last_ts": _iso(t_end - interval_s)},
        "design": {
            "b200_nodes": int(fleet.node_is_b200.sum()),
            "rtx_nodes": int((~fleet.node_is_b200).sum()),
            "idle_gpus": int(fleet.gpu_idle.sum()),
            "no_profiling_gpus": int(fleet.gpu_noprof.sum()),
            "hpc_nodes": int((fleet.node_role == 2).sum()),
            "xid_gpus": int(fleet.gpu_xid.sum()),
            "hot_gpus": int(fleet.gpu_hot.sum()),
            "energy_reset_gpus": [str(fleet.uuids[g]) for g in fleet.reset_gpus],
            "link_reset": RESET_LINK,
            "saturated_uplink": MAIN_UPLINK,
            "scrape_host": str(fleet.hostnames[scrape_node]),
            "gpu_samples_order": "gpu (inventory order), then ts",
        },
        "rows": rows,
        "files": {name: {"sha256": _sha256(path), "bytes": path.stat().st_size}
                  for name, path in sorted(written.items())},
    }
    p = out / "manifest.json"
    with open(p, "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=2, sort_keys=False)
        f.write("\n")
    written[p.name] = p
    say(f"wrote {len(written)} files to {out}")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sample_metrics.generate",
                                 description="Generate a synthetic AI-factory telemetry sample.")
    ap.add_argument("out", help="output directory")
    ap.add_argument("--gpus", type=int, default=10_000, help="fleet size (rounded up to 8)")
    ap.add_argument("--days", type=float, default=7.0, help="period length in days")
    ap.add_argument("--interval", type=int, default=60, help="sample interval in seconds")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--start", default="2026-11-16T00:00:00Z", help="first sample, ISO-8601 UTC")
    a = ap.parse_args(argv)
    generate(a.out, gpus=a.gpus, days=a.days, interval_s=a.interval, seed=a.seed, start=a.start,
             progress=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
