"""Real-world inputs (issue 15): files shaped like what exporters, SBOM tools and people write give
the right figure, or a row reject that says why. Each fixture names the public source its shape is
taken from; each figure is computed by hand in the test. Real DuckDB files, the real CLI.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard.ingest import load_path
from dashboard.ingest.openmetrics import (is_virtual_interface, link_identity, parse_exposition,
                                          stage_rows, Row)
from dashboard.store import connect

from .conftest import figure, write

T0 = datetime(2026, 11, 16, 0, 0)
DAY = (T0, T0 + timedelta(days=1))
EPOCH_T0 = 1794787200  # T0 as Unix seconds


def rejects(con, load_id: int) -> dict[int, str]:
    return dict(con.execute("SELECT line, reason FROM rejects WHERE load_id = ? ORDER BY line", [load_id]).fetchall())


def aifd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True)


# ---------------------------------------------------------------- 1. OpenMetrics names

# OpenMetrics 1.0 text format (github.com/prometheus/docs, docs/specs/om/open_metrics_spec.md,
# "Counter": the Total sample MUST be named <family>_total, Created MAY be added as <family>_created;
# timestamps are seconds; `# TYPE`/`# UNIT`/`# HELP` lines; the exposition ends with `# EOF`; an
# exemplar ` # {...} v` MAY follow a _total sample). Labels as dcgm-exporter attaches them (NVIDIA,
# "DCGM Exporter", docs.nvidia.com/datacenter/cloud-native/gpu-telemetry: gpu, UUID, device,
# modelName, Hostname; DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION in mJ since boot). node_exporter's
# netdev counter as an OpenMetrics family without the suffix in # TYPE.
_G0 = 'gpu="0",UUID="GPU-34319582-d595-d1c7-d1d2-179bcfa61660",device="nvidia0",modelName="NVIDIA A100-SXM4-40GB",Hostname="ub20-a100-k8s"'
_G1 = 'gpu="1",UUID="GPU-7099682b-a20d-2bcc-74ab-b9060454d81e",device="nvidia1",modelName="NVIDIA A100-SXM4-40GB",Hostname="ub20-a100-k8s"'
OM_DCGM = f"""# TYPE DCGM_FI_DEV_POWER_USAGE gauge
# UNIT DCGM_FI_DEV_POWER_USAGE watts
# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
DCGM_FI_DEV_POWER_USAGE{{{_G0}}} 1000.0 {EPOCH_T0}.000
DCGM_FI_DEV_POWER_USAGE{{{_G0}}} 1000.0 {EPOCH_T0 + 60}.000
DCGM_FI_DEV_POWER_USAGE{{{_G1}}} 700.0 {EPOCH_T0}.000
DCGM_FI_DEV_POWER_USAGE{{{_G1}}} 700.0 {EPOCH_T0 + 60}.000
# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{{_G0}}} 319159391 {EPOCH_T0}.000 # {{trace_id="0af7651916cd43dd"}} 1
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_created{{{_G0}}} 1794700000.0 {EPOCH_T0}.000
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{{_G0}}} 379159391 {EPOCH_T0 + 60}.000
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_created{{{_G0}}} 1794700000.0 {EPOCH_T0 + 60}.000
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{{_G1}}} 1000000000 {EPOCH_T0}.000
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_created{{{_G1}}} 1794700000.0 {EPOCH_T0}.000
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total{{{_G1}}} 1042000000 {EPOCH_T0 + 60}.000
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_created{{{_G1}}} 1794700000.0 {EPOCH_T0 + 60}.000
# TYPE node_network_receive_bytes counter
node_network_receive_bytes_total{{device="eth0",instance="gpu-node-1:9100"}} 1.0e+09 {EPOCH_T0}.000
node_network_receive_bytes_total{{device="eth0",instance="gpu-node-1:9100"}} 1.75e+09 {EPOCH_T0 + 60}.000
# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
# HELP process_cpu_seconds Total user and system CPU time spent in seconds.
process_cpu_seconds_total 4.20072246e+06 {EPOCH_T0 + 60}.000
# EOF
"""


def test_openmetrics_total_energy_counter_feeds_the_energy_headline(con, tmp_path):
    r = load_path(con, write(tmp_path / "dcgm.om", OM_DCGM))
    assert r.status == "ok", r.summary()
    gpu, link = r.domains
    assert (gpu.loaded, link.loaded, link.registered) == (4, 2, 1)
    # By hand: GPU 0's counter rose 379,159,391 - 319,159,391 = 60,000,000 mJ = 60,000 J, GPU 1's
    # 42,000,000 mJ = 42,000 J: 102,000 J = 0.028333 kWh (main said 0 kWh: the _total series was ignored).
    e = figure(con, "energy_headline", start=DAY[0], end=DAY[1])
    assert e.value("gpu_kwh") == pytest.approx(102_000 / 3.6e6)
    assert e.value("gpu_energy_source") == "energy counters"
    # 7.5e8 bytes in 60 s = 0.1 Gbit/s, on a link named after the instance without its port
    s = figure(con, "net_link_summary", start=DAY[0], end=DAY[1]).frame.set_index("link")
    assert s.loc["gpu-node-1/eth0", "rx_gbps_avg"] == pytest.approx(7.5e8 * 8 / 60 / 1e9)


def test_the_load_report_lists_every_metric_not_used_with_its_sample_count(con, tmp_path):
    summary = load_path(con, write(tmp_path / "dcgm.om", OM_DCGM)).summary()
    assert "2 metrics not used (5 samples)" in summary
    assert "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_created (4) [counter creation time]" in summary
    assert "process_cpu_seconds_total (1)" in summary


@pytest.mark.parametrize("name", ["node_network_receive_bytes", "node_network_receive_bytes_total"])
def test_both_spellings_of_a_counter_are_the_same_metric(con, tmp_path, name):
    text = f'{name}{{device="eth0",instance="n1"}} 5 {EPOCH_T0}000\n'
    r = load_path(con, write(tmp_path / "n.prom", text))
    assert r.status == "ok" and con.execute("SELECT rx_bytes FROM link_samples").fetchall() == [(5,)]


def test_a_csv_export_with_the_openmetrics_counter_name_converts_mj(con, tmp_path):
    """A PromQL result saved as CSV keeps the exposition name of the series (here with _total)."""
    r = load_path(con, write(tmp_path / "e.csv", "timestamp,UUID,Hostname,DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total\n"
                                                 f"{EPOCH_T0},GPU-x,h1,5000\n"))
    assert r.status == "ok", r.summary()
    assert con.execute("SELECT energy_j FROM gpu_samples").fetchall() == [(5.0,)]


# ---------------------------------------------------------------- 2. missing is not zero

# dcgm-exporter's Prometheus text output as `curl localhost:9400/metrics` returns it (NVIDIA
# dcgm-exporter README, github.com/NVIDIA/dcgm-exporter: # HELP/# TYPE, no timestamps; labels
# gpu, UUID, pci_bus_id, device, modelName, Hostname, DCGM_FI_DRIVER_VERSION), without the energy
# counter (a collector CSV that leaves DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION out).
def power_scrape(watts: float) -> str:
    labels = ('gpu="0",UUID="GPU-6801fc43-2442-41ed-9ebe-83b56608bc03",pci_bus_id="00000000:1B:00.0",'
              'device="nvidia0",modelName="NVIDIA B200",Hostname="dgx-b200-01",DCGM_FI_DRIVER_VERSION="580.95.05"')
    return ("# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).\n# TYPE DCGM_FI_DEV_POWER_USAGE gauge\n"
            f"DCGM_FI_DEV_POWER_USAGE{{{labels}}} {watts:.6f}\n"
            "# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).\n# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n"
            f"DCGM_FI_DEV_GPU_TEMP{{{labels}}} 61\n")


def test_gpu_energy_without_a_counter_integrates_power_and_says_so(con, tmp_path):
    for minute, watts in ((0, 700), (1, 710), (2, 700)):
        r = load_path(con, write(tmp_path / f"s{minute}.prom", power_scrape(watts)), at=T0 + timedelta(minutes=minute))
        assert r.status == "ok", r.summary()
    e = figure(con, "energy_headline", start=DAY[0], end=DAY[1])
    # By hand (trapezoid): (700 + 710) / 2 W × 60 s + (710 + 700) / 2 W × 60 s = 84,600 J = 0.0235 kWh
    assert e.value("gpu_kwh") == pytest.approx(84_600 / 3.6e6)
    assert e.value("gpu_energy_source") == "power samples"
    assert e.value("counter_resets") is None and e.text("counter_resets") == "no data"


def test_one_scrape_gives_no_energy_not_zero(con, tmp_path):
    one = "\n".join(l for l in OM_DCGM.splitlines() if f"{EPOCH_T0 + 60}" not in l) + "\n"
    assert load_path(con, write(tmp_path / "one.om", one)).status == "ok"
    e = figure(con, "energy_headline", start=DAY[0], end=DAY[1])
    assert e.value("gpu_kwh") is None and e.text("gpu_kwh") == "no data"   # main: 0 kWh
    assert e.value("gpu_energy_source") is None and e.value("counter_resets") is None


def test_counters_and_power_mixed_name_both_sources(con, tmp_path):
    text = ("ts,gpu_uuid,hostname,power_w,energy_j\n"
            f"{T0.isoformat()}Z,GPU-c,h,,1000\n{(T0 + timedelta(minutes=1)).isoformat()}Z,GPU-c,h,,4000\n"
            f"{T0.isoformat()}Z,GPU-p,h,100,\n{(T0 + timedelta(minutes=1)).isoformat()}Z,GPU-p,h,300,\n")
    assert load_path(con, write(tmp_path / "m.csv", text)).status == "ok"
    e = figure(con, "energy_headline", start=DAY[0], end=DAY[1])
    assert e.value("gpu_kwh") == pytest.approx((3000 + 200 * 60) / 3.6e6)  # 3 kJ counted + 12 kJ integrated
    assert e.value("gpu_energy_source") == "energy counters (1 GPU) and power samples (1 GPU)"


def test_a_meter_read_once_gives_no_energy_and_a_missing_tx_counter_no_rate(con, tmp_path):
    load_path(con, write(tmp_path / "meters.csv", "meter_id,kind\nfac,facility\n"))
    load_path(con, write(tmp_path / "ms.csv", f"ts,meter_id,power_kw,energy_kwh\n{T0.isoformat()}Z,fac,900,100\n"))
    e = figure(con, "energy_headline", start=DAY[0], end=DAY[1])
    assert e.value("facility_kwh") is None and e.value("facility_kw_avg") == 900   # main: 0 kWh
    # a link that reports only rx: rx rate from its counter, tx no data; resets 0 (rx was seen not to reset)
    load_path(con, write(tmp_path / "ls.csv", "ts,link_id,rx_bytes\n"
                                              f"{T0.isoformat()}Z,up,0\n{(T0 + timedelta(minutes=1)).isoformat()}Z,up,750000000\n"
                                              f"{T0.isoformat()}Z,once,5\n"))
    s = figure(con, "net_link_summary", start=DAY[0], end=DAY[1]).frame.set_index("link")
    assert s.loc["up", "rx_gbps_avg"] == pytest.approx(0.1) and s.loc["up", "resets"] == 0
    assert s.loc["up", ["tx_gbps_avg", "tx_tb"]].isna().all()
    assert s.loc["once", ["rx_gbps_avg", "resets"]].isna().all()   # one sample: no interval
    assert s.loc["up", "capacity_source"] == "unknown" and pd_isna(s.loc["up", "peak_util_pct"])


def pd_isna(v) -> bool:
    import pandas as pd

    return bool(pd.isna(v))


# ---------------------------------------------------------------- 3. scrapes without timestamps

def test_one_scrape_stamped_at_two_times_is_two_samples(con, tmp_path):
    path = write(tmp_path / "scrape.prom", power_scrape(700))
    a = load_path(con, path, at=T0)
    b = load_path(con, path, at=T0 + timedelta(minutes=1))
    again = load_path(con, path, at=T0 + timedelta(minutes=1))
    assert (a.status, b.status, again.status) == ("ok", "ok", "skipped")
    assert "stamped at 2026-11-16 00:01:00 UTC already loaded as load" in again.message
    assert con.execute("SELECT count(*) FROM gpu_samples").fetchall() == [(2,)]
    assert con.execute("SELECT stamped_at FROM ingest_log WHERE load_id IN (?, ?) ORDER BY 1",
                       [a.load_id, b.load_id]).fetchall() == [(T0,), (T0 + timedelta(minutes=1),)]


def test_without_at_the_file_time_is_the_stamp(con, tmp_path):
    path = write(tmp_path / "scrape.prom", power_scrape(700))
    os.utime(path, (EPOCH_T0, EPOCH_T0))
    first = load_path(con, path)
    os.utime(path, (EPOCH_T0 + 30, EPOCH_T0 + 30))   # the same bytes saved again later
    second = load_path(con, path)
    assert (first.status, second.status) == ("ok", "ok")
    assert [t for (t,) in con.execute("SELECT ts FROM gpu_samples ORDER BY ts").fetchall()] == \
        [T0, T0 + timedelta(seconds=30)]


def test_a_file_with_its_own_timestamps_is_skipped_whatever_the_stamp(con, tmp_path):
    path = write(tmp_path / "dcgm.om", OM_DCGM)
    assert load_path(con, path, at=T0).status == "ok"
    assert load_path(con, path, at=T0 + timedelta(hours=1)).status == "skipped"


# ---------------------------------------------------------------- 4. links from real scrapes

# node_exporter /metrics saved to a file (prometheus/node_exporter, collector/fixtures/e2e-output.txt
# and the netdev/netclass collectors: node_network_{receive,transmit}_bytes_total and
# node_network_speed_bytes (bytes/s) with only a `device` label; node_uname_info{nodename=...}).
# No `instance` label: Prometheus adds that at scrape time.
def node_scrape(eth0_rx: float, eth0_tx: float) -> str:
    return f"""# HELP node_network_receive_bytes_total Network device statistic receive_bytes.
# TYPE node_network_receive_bytes_total counter
node_network_receive_bytes_total{{device="docker0"}} 262961
node_network_receive_bytes_total{{device="eth0"}} {eth0_rx:e}
node_network_receive_bytes_total{{device="lo"}} 1.1229763e+07
node_network_receive_bytes_total{{device="veth3a1b2c"}} 116939597
# HELP node_network_speed_bytes Network device property: speed_bytes
# TYPE node_network_speed_bytes gauge
node_network_speed_bytes{{device="eth0"}} 1.25e+10
# HELP node_network_transmit_bytes_total Network device statistic transmit_bytes.
# TYPE node_network_transmit_bytes_total counter
node_network_transmit_bytes_total{{device="docker0"}} 1.2345e+06
node_network_transmit_bytes_total{{device="eth0"}} {eth0_tx:e}
node_network_transmit_bytes_total{{device="lo"}} 1.1229763e+07
node_network_transmit_bytes_total{{device="veth3a1b2c"}} 5.2804647e+07
# HELP node_uname_info Labeled system information as provided by the uname system call.
# TYPE node_uname_info gauge
node_uname_info{{domainname="(none)",machine="x86_64",nodename="gpu-node-07",release="6.1.0-18-amd64",sysname="Linux",version="#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)"}} 1
"""


# snmp_exporter's if_mib module as `curl 'localhost:9116/snmp?target=...&module=if_mib'` returns it
# (prometheus/snmp_exporter generator.yml: lookups ifAlias, ifDescr, ifName on ifIndex; ifType as
# ifType_info; ifHCInOctets/ifHCOutOctets 64-bit counters, ifHighSpeed in Mbit/s, IF-MIB RFC 2863).
# The target is a URL parameter, not a label: the file names no host.
def snmp_scrape(et1_in: float) -> str:
    ports = (('uplink-fra-1', 'Ethernet1/1', '1', 'Et1/1', 'ethernetCsmacd'),
             ('', 'Ethernet1/2', '2', 'Et1/2', 'ethernetCsmacd'),
             ('', 'Loopback0', '5001', 'Lo0', 'softwareLoopback'))
    def lab(p):
        return f'ifAlias="{p[0]}",ifDescr="{p[1]}",ifIndex="{p[2]}",ifName="{p[3]}"'
    values_in = {"1": et1_in, "2": 5.0e6, "5001": 0}
    out = ["# HELP ifHCInOctets The total number of octets received on the interface - 1.3.6.1.2.1.31.1.1.1.6",
           "# TYPE ifHCInOctets counter"]
    out += [f"ifHCInOctets{{{lab(p)}}} {values_in[p[2]]:e}" for p in ports]
    out += ["# HELP ifHCOutOctets The total number of octets transmitted - 1.3.6.1.2.1.31.1.1.1.10",
            "# TYPE ifHCOutOctets counter"]
    out += [f"ifHCOutOctets{{{lab(p)}}} 6.0e+06" for p in ports]
    out += ["# HELP ifHighSpeed An estimate of the interface's current bandwidth in units of 1,000,000 bits per second",
            "# TYPE ifHighSpeed gauge"]
    out += [f"ifHighSpeed{{{lab(p)}}} {100000 if p[2] == '1' else 0}" for p in ports]
    out += ["# HELP ifType_info The type of interface - 1.3.6.1.2.1.2.2.1.3", "# TYPE ifType_info gauge"]
    out += [f'ifType_info{{{lab(p)},ifType="{p[4]}"}} 1' for p in ports]
    return "\n".join(out) + "\n"


def test_saved_node_exporter_scrape_registers_links_from_telemetry(con, tmp_path):
    a = load_path(con, write(tmp_path / "n0.prom", node_scrape(2.0e9, 1.0e9)), at=T0, host="gpu-node-07")
    b = load_path(con, write(tmp_path / "n1.prom", node_scrape(2.0e9 + 3.75e11, 1.0e9 + 7.5e10)),
                  at=T0 + timedelta(minutes=1), host="gpu-node-07")
    assert (a.status, b.status) == ("ok", "ok") and a.domains[0].registered == 4   # main: 12 rejects, 0 stored
    links = {r[0]: r[1:] for r in con.execute(
        "SELECT link_name, a_end, capacity_gbps, capacity_source, is_virtual FROM links").fetchall()}
    assert links["gpu-node-07/eth0"] == ("gpu-node-07", 100.0, "node_network_speed_bytes", False)
    assert links["gpu-node-07/lo"] == ("gpu-node-07", None, None, True)
    assert {n for n, v in links.items() if v[3]} == {"gpu-node-07/lo", "gpu-node-07/docker0", "gpu-node-07/veth3a1b2c"}
    # By hand: eth0 received 3.75e11 bytes in 60 s = 50 Gbit/s = 50 % of 12.5e9 bytes/s = 100 Gbit/s
    s = figure(con, "net_link_summary", start=DAY[0], end=DAY[1]).frame.set_index("link")
    assert list(s.index) == ["gpu-node-07/eth0"]                  # virtual interfaces left out of site totals
    assert s.loc["gpu-node-07/eth0", "rx_gbps_avg"] == pytest.approx(50)
    assert s.loc["gpu-node-07/eth0", "tx_gbps_avg"] == pytest.approx(10)
    assert s.loc["gpu-node-07/eth0", "peak_util_pct"] == pytest.approx(50)
    every = figure(con, "net_link_summary", start=DAY[0], end=DAY[1], include_virtual=True).frame
    assert len(every) == 4 and every.set_index("link").loc["gpu-node-07/lo", "peak_util_pct"] != \
        every.set_index("link").loc["gpu-node-07/lo", "peak_util_pct"]   # NaN: capacity unknown


def test_node_scrape_without_host_takes_the_nodename_or_says_to_pass_host(con, tmp_path):
    r = load_path(con, write(tmp_path / "n.prom", node_scrape(1, 1)), at=T0)
    assert r.status == "ok" and "nodename gpu-node-07 taken as the host" in r.summary()
    assert con.execute("SELECT count(*) FROM links WHERE a_end = 'gpu-node-07'").fetchall() == [(4,)]
    bare = "\n".join(l for l in node_scrape(1, 1).splitlines() if "uname" not in l) + "\n"
    r = load_path(con, write(tmp_path / "bare.prom", bare), at=T0)
    assert r.status == "partial" and r.domains[0].loaded == 0
    assert set(rejects(con, r.load_id).values()) == {
        f"no host for interface {d}: the series has no instance or hostname label; pass --host NAME"
        for d in ("docker0", "eth0", "lo", "veth3a1b2c")}


def test_snmp_if_mib_scrape_capacity_from_ifhighspeed_alias_from_inventory(con, tmp_path):
    load_path(con, write(tmp_path / "links.csv", "link_id,a_end,b_end,capacity_gbps,carrier,kind\n"
                                                 "uplink-fra-1,muc/edge-1,fra/DE-CIX,400,DT,uplink\n"))
    load_path(con, write(tmp_path / "s0.prom", snmp_scrape(1.0e9)), at=T0, host="edge-sw-1")
    r = load_path(con, write(tmp_path / "s1.prom", snmp_scrape(1.0e9 + 7.5e11)), at=T0 + timedelta(minutes=1),
                  host="edge-sw-1")
    assert r.status == "ok", r.summary()
    links = {row[0]: row[1:] for row in con.execute(
        "SELECT link_name, capacity_gbps, capacity_source, is_virtual FROM links").fetchall()}
    # ifAlias names the inventory link: its 400 Gbit/s stays (the inventory wins over ifHighSpeed)
    assert links == {"uplink-fra-1": (400.0, "inventory", False), "edge-sw-1/Et1/2": (None, None, False),
                     "edge-sw-1/Lo0": (None, None, True)}
    s = figure(con, "net_link_summary", start=DAY[0], end=DAY[1]).frame.set_index("link")
    # By hand: 7.5e11 bytes in 60 s = 100 Gbit/s = 25 % of 400 Gbit/s
    assert s.loc["uplink-fra-1", "rx_gbps_avg"] == pytest.approx(100)
    assert s.loc["uplink-fra-1", "peak_util_pct"] == pytest.approx(25)
    assert s.loc["edge-sw-1/Et1/2", "capacity_source"] == "unknown"
    assert pd_isna(s.loc["edge-sw-1/Et1/2", "peak_util_pct"])          # unknown, not 0 % and not rejected
    assert "edge-sw-1/Lo0" not in s.index                               # softwareLoopback (ifType_info)


def test_link_identity_rules():
    assert link_identity({"device": "mlx5_0", "port": "1", "instance": "n1:9100"}).name == "n1/mlx5_0/1"
    assert link_identity({"device": "eth0", "instance": "[fe80::1]:9100"}).name == "[fe80::1]/eth0"
    assert link_identity({"ifName": "Et1", "ifIndex": "1"}, "sw").name == "sw/Et1"
    assert link_identity({"ifDescr": "", "ifIndex": "7"}, "sw").name == "sw/7"
    assert link_identity({"link": "uplink-9"}).name == "uplink-9"
    assert isinstance(link_identity({"instance": "n1"}), str)
    assert [is_virtual_interface(p) for p in ("lo", "docker0", "veth1", "br-3f2a", "wg0", "tun0", "eth0",
                                              "enp1s0", "bond0", "ib0")] == [True] * 6 + [False] * 4
    assert is_virtual_interface("Ethernet1", "softwareLoopback")


# ---------------------------------------------------------------- 6. impossible values, bad lines

# A dcgm-exporter scrape (labels as NVIDIA documents them) written with every kind of bad line:
# NaN and +Inf values (valid OpenMetrics/Prometheus numbers, never a measurement), a timestamp
# that overflows, one in microseconds, a value past a physical ceiling, two series of one GPU
# that differ only in the Kubernetes pod labels dcgm-exporter adds (dcgm-exporter README,
# "pod", "namespace", "container") and disagree, a value that is not a number, and a last line
# cut off without its line break; the file starts with a UTF-8 byte-order mark.
_H = 'modelName="NVIDIA H100 80GB HBM3",Hostname="hgx-01"'
BAD_LINES = ("\ufeff# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).\n"
             "# TYPE DCGM_FI_DEV_POWER_USAGE gauge\n"
             f'DCGM_FI_DEV_POWER_USAGE{{gpu="0",UUID="GPU-a0",{_H}}} 612.5\n'                     # 3
             f'DCGM_FI_DEV_POWER_USAGE{{gpu="1",UUID="GPU-a1",{_H}}} NaN\n'                       # 4
             f'DCGM_FI_DEV_POWER_USAGE{{gpu="2",UUID="GPU-a2",{_H}}} 590 1e30\n'                  # 5
             f'DCGM_FI_DEV_POWER_USAGE{{gpu="3",UUID="GPU-a3",{_H}}} 590 1794787200000000\n'      # 6
             f'DCGM_FI_DEV_POWER_USAGE{{gpu="4",UUID="GPU-a4",{_H}}} 12e3\n'                      # 7
             "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n"
             f'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{{gpu="0",UUID="GPU-a0",{_H}}} +Inf\n'         # 9
             f'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{{gpu="1",UUID="GPU-a1",{_H}}} 1.0e+20\n'      # 10
             "# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n"
             f'DCGM_FI_DEV_GPU_TEMP{{gpu="0",UUID="GPU-a0",{_H}}} 61\n'                           # 12
             f'DCGM_FI_DEV_GPU_TEMP{{gpu="0",UUID="GPU-a0",{_H},pod="trainer-0",namespace="ml",container="pytorch"}} 64\n'
             f'DCGM_FI_DEV_GPU_TEMP{{gpu="1",UUID="GPU-a1",{_H}}} sixty\n'                        # 14
             f'DCGM_FI_DEV_GPU_TEMP{{gpu="2",UUID="GPU-a2",{_H}}} 58\n'                           # 15
             f'DCGM_FI_DEV_GPU_TEMP{{gpu="5",UUID="GPU-a5",{_H}}} 6')                             # 16: cut


def test_one_bad_line_never_fails_the_file_and_impossible_values_are_never_stored(con, tmp_path):
    r = load_path(con, write(tmp_path / "bad.prom", BAD_LINES), at=T0)
    assert r.status == "partial", r.summary()                      # main: failed (OverflowError), nothing stored
    got = rejects(con, r.load_id)
    assert got == {
        4: "DCGM_FI_DEV_POWER_USAGE value NaN is not a number",
        5: "DCGM_FI_DEV_POWER_USAGE: timestamp '1e30' is outside 2000..2099",
        6: "DCGM_FI_DEV_POWER_USAGE: timestamp '1794787200000000' is outside 2000..2099 "
           "(microseconds given? Prometheus text timestamps are milliseconds)",
        7: "DCGM_FI_DEV_POWER_USAGE: power 12000.0 W is implausible for one GPU (over 5 kW: mW given as W?)",
        9: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION value +Inf is not a number",
        10: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION: energy counter 1e+17 J is implausible for one GPU "
            "(over 1e12 J, 31 years at 1 kW: mJ given as J?)",
        12: "conflicting sample: temp_c of GPU GPU-a0 at 2026-11-16 00:00:00 has 61 (line 12), 64 (line 13); "
            "the series differ in label container, namespace, pod: none stored",
        13: "conflicting sample: temp_c of GPU GPU-a0 at 2026-11-16 00:00:00 has 61 (line 12), 64 (line 13); "
            "the series differ in label container, namespace, pod: none stored",
        14: "DCGM_FI_DEV_GPU_TEMP: cannot read value 'sixty' as a number",
        16: "truncated last line: the file ends without a line break, so the line may be cut short; not stored",
    }
    # What is stored, by hand: GPU 0's power (its energy is +Inf, its temperature conflicting) and GPU 2's
    # temperature (its power line has the overflowing timestamp). No NaN, no Inf, no 64-vs-61 max().
    stored = con.execute("SELECT g.gpu_uuid, s.power_w, s.energy_j, s.temp_c FROM gpu_samples s "
                         "JOIN gpus g USING (gpu_id) ORDER BY 1").fetchall()
    assert stored == [("GPU-a0", 612.5, None, None), ("GPU-a2", None, None, 58.0)]


def test_openmetrics_eof_rules(con, tmp_path):
    body = (f'# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n'
            f'DCGM_FI_DEV_GPU_TEMP{{gpu="0",UUID="GPU-e",{_H}}} 50 {EPOCH_T0}\n'
            f'DCGM_FI_DEV_GPU_TEMP{{gpu="0",UUID="GPU-e",{_H}}} 51 {EPOCH_T0 + 60}\n')
    r = load_path(con, write(tmp_path / "after.om", body + "# EOF\n" + 'DCGM_FI_DEV_GPU_TEMP{UUID="GPU-e"} 99\n'))
    assert r.domains[0].loaded == 2
    assert rejects(con, r.load_id) == {5: "after # EOF: an OpenMetrics exposition ends there"}
    r = load_path(con, write(tmp_path / "cut.om", body.replace(" 50 ", " 52 ")))   # .om without # EOF
    assert rejects(con, r.load_id) == {3: "truncated: an OpenMetrics exposition ends with `# EOF` and this file "
                                          "has none, so it may be cut short after this line; not stored"}
    assert "OpenMetrics without `# EOF`" in r.summary()
    assert load_path(con, write(tmp_path / "noeol.om", body + "# EOF")).status == "ok"   # EOF without \n is fine


def test_mig_whole_gpu_series_wins_over_instances(con, tmp_path):
    """NVIDIA's MIG example output of dcgm-exporter (docs.nvidia.com, "GPU Telemetry", MIG section):
    the whole-GPU series and a GPU instance's series (GPU_I_PROFILE, GPU_I_ID) side by side."""
    g = 'gpu="0",UUID="GPU-34319582-d595-d1c7-d1d2-179bcfa61660",device="nvidia0",Hostname="ub20-a100-k8s"'
    text = (f"DCGM_FI_DEV_POWER_USAGE{{{g}}} 409.692000\n"
            f"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{g}}} 0.929260\n"
            f'DCGM_FI_DEV_XID_ERRORS{{{g},GPU_I_PROFILE="1g.5gb",GPU_I_ID="13"}} 0\n'
            f'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{g},GPU_I_PROFILE="1g.5gb",GPU_I_ID="13"}} 0.930433\n'
            f'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{g},GPU_I_PROFILE="3g.20gb",GPU_I_ID="2"}} 0.1\n')
    r = load_path(con, write(tmp_path / "mig.prom", text), at=T0)
    assert r.status == "ok", r.summary()
    assert con.execute("SELECT power_w, tensor_active, xid FROM gpu_samples").fetchall() == \
        [(pytest.approx(409.692), pytest.approx(0.92926), 0)]


def _mig_scrape(model: str, instances: list[tuple[str | None, str, float]], util: float = 0) -> str:
    """One GPU's dcgm-exporter scrape under MIG: per instance (profile, GPU_I_ID, tensor activity), the
    GPU's power repeated in each (dcgm-exporter #257) and DCGM_FI_DEV_GPU_UTIL, which reads 0 there (#216)."""
    g = f'gpu="0",UUID="GPU-mig",device="nvidia0",modelName="{model}",Hostname="h1"'
    out = []
    for profile, gi, act in instances:
        labels = g + (f',GPU_I_PROFILE="{profile}"' if profile else "") + f',GPU_I_ID="{gi}"'
        out += [f"DCGM_FI_DEV_POWER_USAGE{{{labels}}} 612.5", f"DCGM_FI_DEV_GPU_UTIL{{{labels}}} {util:g}",
                f"DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{{{labels}}} {act}", f"DCGM_FI_PROF_SM_ACTIVE{{{labels}}} {act}"]
    return "\n".join(out) + "\n"


def test_mig_ratios_are_weighted_by_compute_slices_over_the_whole_gpu(con, tmp_path):
    """An H100 (7 slices, NVIDIA MIG User Guide) with a busy 1g.10gb and a half-busy 3g.40gb instance:
    by hand, tensor activity (1.0 × 1 + 0.5 × 3) / 7 = 0.357142…; the three slices no instance holds
    count as idle. Power is the GPU's once, utilisation (0 on instances) is left empty."""
    text = _mig_scrape("NVIDIA H100 80GB HBM3", [("1g.10gb", "9", 1.0), ("3g.40gb", "2", 0.5)])
    r = load_path(con, write(tmp_path / "mig.prom", text), at=T0)
    assert r.status == "ok", r.summary()
    assert "1 of 1 GPU weighted" in r.summary() and "averaged" not in r.summary().split("weighted", 1)[1]
    row = con.execute("SELECT power_w, util, tensor_active, sm_active FROM gpu_samples").fetchall()
    assert row == [(612.5, None, pytest.approx(2.5 / 7, rel=1e-6), pytest.approx(2.5 / 7, rel=1e-6))]


def test_mig_one_busy_instance_of_seven_slices_is_a_seventh_of_the_gpu(con, tmp_path):
    """The case an unweighted mean gets 7x wrong: one 1g instance saturated, six slices unallocated."""
    r = load_path(con, write(tmp_path / "mig.prom", _mig_scrape("NVIDIA B200", [("1g.23gb", "13", 1.0)])), at=T0)
    assert r.status == "ok", r.summary()
    assert con.execute("SELECT tensor_active FROM gpu_samples").fetchall() == [(pytest.approx(1 / 7, rel=1e-6),)]


@pytest.mark.parametrize("model, profiles, why", [
    ("NVIDIA B300", ("1g.34gb", "1g.34gb"), "models without mig_slices in the catalog: NVIDIA B300"),
    ("NVIDIA B200", (None, None), "1 GPU with instance series without GPU_I_PROFILE"),
])
def test_mig_without_slices_averages_the_instances_and_says_why(con, tmp_path, model, profiles, why):
    text = _mig_scrape(model, [(profiles[0], "1", 0.2), (profiles[1], "2", 0.6)])
    r = load_path(con, write(tmp_path / "mig.prom", text), at=T0)
    assert r.status == "ok", r.summary()
    assert "0 of 1 GPU weighted" in r.summary() and why in r.summary()
    assert "averaged over their instances instead, which overstates a partly used GPU" in r.summary()
    assert con.execute("SELECT tensor_active FROM gpu_samples").fetchall() == [(pytest.approx(0.4),)]


def test_mig_slices_of_a_gpu_without_a_model_label_come_from_the_inventory(con, tmp_path):
    write(tmp_path / "gpus.csv", "gpu_uuid,hostname,gpu_index,rack,pod,model\nGPU-mig,h1,0,r1,p1,NVIDIA H200\n")
    assert load_path(con, tmp_path / "gpus.csv").status == "ok"
    text = _mig_scrape("x", [("2g.35gb", "5", 0.7)]).replace(',modelName="x"', "")
    r = load_path(con, write(tmp_path / "mig.prom", text), at=T0)
    assert r.status == "ok", r.summary()
    assert con.execute("SELECT tensor_active FROM gpu_samples").fetchall() == [(pytest.approx(1.4 / 7, rel=1e-6),)]


def test_catalog_mig_slices_are_checked_and_a_catalog_without_them_keeps_them(con, tmp_path):
    assert con.execute("SELECT mig_slices FROM gpu_models WHERE model = 'NVIDIA H100 80GB HBM3'").fetchall() == [(7,)]
    head = "model,vendor,bf16_tflops,mig_slices,source\n"
    r = load_path(con, write(tmp_path / "m.csv", head + "NVIDIA X1,NVIDIA,100,9,datasheet X1\n"))
    assert r.status == "failed" or r.total("rejected") == 1
    assert "mig_slices 9 is outside 1..8" in r.summary()
    # a catalog from before the column (as a site's own): its other figures replace, the count stays
    old = "model,vendor,bf16_tflops,source\nNVIDIA H100 80GB HBM3,NVIDIA,990,own datasheet copy\n"
    assert load_path(con, write(tmp_path / "own.csv", old)).status == "ok"
    assert con.execute("SELECT bf16_tflops, mig_slices FROM gpu_models "
                       "WHERE model = 'NVIDIA H100 80GB HBM3'").fetchall() == [(990.0, 7)]


@pytest.mark.parametrize("cell, reason", [
    ("NaN", "power_w NaN is not a number"),
    ("inf", "power_w +Inf is not a number"),
    ("-Infinity", "power_w -Inf is not a number"),
])
def test_csv_nan_and_inf_are_row_rejects(con, tmp_path, cell, reason):
    r = load_path(con, write(tmp_path / "s.csv", f"ts,gpu_uuid,hostname,power_w,util\n{T0.isoformat()}Z,G,h,{cell},5\n"
                                                 f"{T0.isoformat()}Z,H,h,300,5\n"))
    assert r.status == "partial" and list(rejects(con, r.load_id).values()) == [reason]
    assert con.execute("SELECT count(*) FROM gpu_samples WHERE isnan(power_w) OR isinf(power_w)").fetchall() == [(0,)]


@pytest.mark.parametrize("cell, reason", [
    ("1e30", "ts: cannot read 1e30 as timestamp (ISO 8601 or Unix seconds)"),
    ("inf", "ts: cannot read inf as timestamp (ISO 8601 or Unix seconds)"),
    ("1794787200000000", "ts: cannot read 1794787200000000 as timestamp (ISO 8601 or Unix seconds)"),
    ("1794787200000", "timestamp 58844-07-17 00:00:00 is outside 2000..2099 (milliseconds given as seconds?)"),
])
def test_csv_timestamp_that_overflows_is_a_row_reject_not_a_failed_file(con, tmp_path, cell, reason):
    r = load_path(con, write(tmp_path / "s.csv", f"ts,gpu_uuid,hostname,util\n{cell},G,h,5\n{EPOCH_T0},G,h,6\n"))
    assert r.status == "partial", r.summary()                        # main: failed (Conversion Error)
    assert list(rejects(con, r.load_id).values()) == [reason]
    assert con.execute("SELECT util FROM gpu_samples").fetchall() == [(6,)]


# ---------------------------------------------------------------- 8. safe output, no echoed contents

def test_query_csv_neutralises_formula_cells(tmp_path):
    db = tmp_path / "x.duckdb"
    write(tmp_path / "gpus.csv", "gpu_uuid,hostname,model\nGPU-1,@SUM(1+1),NVIDIA B200\n")
    write(tmp_path / "s.csv", "ts,gpu_uuid,util,temp_c\n2026-11-16T00:00:00Z,GPU-1,50,99\n")
    write(tmp_path / "bad.prom", '=HYPERLINK("http://example.invalid","x")\n'
                                 'DCGM_FI_DEV_GPU_TEMP{UUID="GPU-1",Hostname="h"} 50\n')
    assert aifd("--db", str(db), "ingest", str(tmp_path / "gpus.csv"), str(tmp_path / "s.csv")).returncode == 0
    aifd("--db", str(db), "ingest", "--at", "2026-11-16T00:01:00Z", str(tmp_path / "bad.prom"))
    out = aifd("--db", str(db), "query", "ops_worst_gpus", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert "'@SUM(1+1)" in out.stdout and ",@SUM" not in out.stdout
    out = aifd("--db", str(db), "query", "rejects", "--format", "csv")
    assert "'=HYPERLINK" in out.stdout and ',"=HYPERLINK' not in out.stdout and ",=HYPERLINK" not in out.stdout


SECRET = "sk-live-51HfSECRETtoken"


@pytest.mark.parametrize("name, content", [
    ("repeat.csv", f"ts,gpu_uuid,util,util,note_{SECRET}\n1,2,3,4,5\n"),
    ("env.csv", f"API_KEY={SECRET}\nOTHER=1\n"),
    ("bad.prom", f"# HELP x {SECRET}\nDCGM_FI_DEV_GPU_TEMP{{UUID=\"G\",Hostname=\"h\",token=\"{SECRET}\"}} abc\n"),
    ("rows.csv", f"ts,gpu_uuid,hostname,util,note\n2026-11-16T00:00:00Z,G,h,250,{SECRET}\nnot-a-time,G,h,5,{SECRET}\n"),
])
def test_messages_and_reasons_never_echo_other_file_contents(con, tmp_path, name, content):
    r = load_path(con, write(tmp_path / name, content), at=T0)
    reasons = [reason for (reason,) in con.execute("SELECT reason FROM rejects").fetchall()]
    assert SECRET not in r.summary() and not any(SECRET in x for x in reasons), (r.summary(), reasons)


# ---------------------------------------------------------------- 9. aifd serve stops its server

def _children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return {int(x) for x in out.split()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split(")")[-1].split()[0] == "Z")


def test_serve_stops_its_streamlit_server_on_sigterm(sample_db, tmp_path):
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "--db", str(sample_db), "serve",
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        deadline, up = time.monotonic() + 90, False
        while time.monotonic() < deadline and not up:
            try:
                up = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200
            except OSError:
                time.sleep(0.5)
        assert up, "aifd serve did not answer HTTP"
        children = _children(proc.pid)
        assert children, "aifd serve runs Streamlit as a child process"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(c) for c in children):
            time.sleep(0.2)
        assert not any(_alive(c) for c in children), "a Streamlit process outlived aifd serve"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, "the port still answers"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- 10. inventory as of the range

def test_inventory_count_covers_the_gpus_of_the_range(con, tmp_path):
    load_path(con, write(tmp_path / "gpus.csv", "gpu_uuid,hostname,gpu_index,rack,pod,model\n"
                                                "GPU-a,n1,0,r1,p1,NVIDIA B200\nGPU-b,n1,1,r1,p1,NVIDIA B200\n"
                                                "GPU-c,n2,0,r2,p1,NVIDIA B200\nGPU-never,n2,1,r2,p1,NVIDIA B200\n"))
    day1, day2 = "2026-11-16T00:00:00Z", "2026-11-17T00:00:00Z"
    load_path(con, write(tmp_path / "s.csv", "ts,gpu_uuid,hostname,model,util,tensor_active\n"
                                             f"{day1},GPU-a,n1,NVIDIA B200,90,0.5\n{day1},GPU-b,n1,NVIDIA B200,80,0.4\n"
                                             f"{day2},GPU-c,n2,NVIDIA B200,70,0.3\n{day2},GPU-d,n3,NVIDIA B200,60,0.2\n"))
    first = figure(con, "perf_headline", start=DAY[0], end=DAY[1])
    # By hand: day 1 holds a and b (reporting) and GPU-never (listed, never reported: no time to place
    # it, so it counts in every range); c and d first report on day 2. Main counted all 5.
    assert (first.value("gpus_inventory"), first.value("gpus_reporting")) == (3, 2)
    assert first.value("peak_tflops") == pytest.approx(3 * 2250)   # B200 dense BF16 from the catalog
    both = figure(con, "perf_headline", start=DAY[0], end=DAY[1] + timedelta(days=1))
    assert both.value("gpus_inventory") == 5
    pods = figure(con, "perf_pods", start=DAY[0], end=DAY[1]).frame
    assert pods["gpus"].tolist() == [3]


def test_migration_backfills_first_seen(sample_copy):
    con = connect(sample_copy)
    assert con.execute("SELECT count(*) FROM gpus g WHERE first_seen IS DISTINCT FROM "
                       "(SELECT min(ts) FROM gpu_samples s WHERE s.gpu_id = g.gpu_id)").fetchall() == [(0,)]
    con.close()


# ---------------------------------------------------------------- the pivot, as the sync will call it

def test_stage_rows_takes_long_rows_without_lines(con):
    """The Prometheus sync hands the pivot query results: rows without a line number or raw text."""
    from dashboard.ingest.loader import apply_staged

    rows = [Row("DCGM_FI_DEV_POWER_USAGE", {"UUID": "GPU-q", "Hostname": "h"}, T0, 500.0),
            Row("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION_total", {"UUID": "GPU-q", "Hostname": "h"}, T0, 7e6),
            Row("DCGM_FI_DEV_GPU_TEMP", {"UUID": "GPU-q", "Hostname": "h"}, T0, float("nan")),
            Row("ifHCInOctets_total", {"ifName": "Et1", "instance": "sw1"}, T0, 10.0)]
    con.begin()
    stats = [apply_staged(con, s, 99, "prometheus") for s in stage_rows(con, rows, source="prometheus")]
    con.commit()
    assert [(s.domain, s.loaded, s.rejected) for s in stats] == [("gpu_samples", 1, 1), ("link_samples", 1, 0)]
    assert con.execute("SELECT power_w, energy_j, temp_c FROM gpu_samples").fetchall() == [(500.0, 7000.0, None)]
    assert con.execute("SELECT line, reason FROM rejects").fetchall() == \
        [(None, "DCGM_FI_DEV_GPU_TEMP value NaN is not a number")]


def test_parse_exposition_reads_escapes_and_exemplars():
    p = parse_exposition('m{a="x\\"y\\\\z\\n",b=""} 1.5 # {trace_id="abc"} 1\n', T0, openmetrics=False)
    assert p.rows[0].labels == {"a": 'x"y\\z\n', "b": ""} and p.rows[0].value == 1.5 and p.stamped
    assert json.dumps(p.rejects) == "[]"


# ---------------------------------------------------------------- the harness's OpenMetrics file

@pytest.mark.parametrize("counters", ["openmetrics", "scrape"])
def test_openmetrics_file_of_a_fleet_gives_the_figures_of_its_parquet_source(tmp_path, counters):
    """sample_metrics.openmetrics writes a generated fleet as promtool back-fills it (OpenMetrics 1.0:
    `_total` counters, seconds, # EOF; or, with counters="scrape", the names exporters expose);
    loaded with `aifd ingest`, it must give the energy and link figures of the same fleet's Parquet."""
    from dashboard.ingest import ensure_reference, load_paths
    from sample_metrics.generate import generate
    from sample_metrics.openmetrics import write_openmetrics

    fleet = tmp_path / "fleet"
    generate(fleet, gpus=8, days=0.25, interval_s=300)
    write_openmetrics(fleet, tmp_path / "fleet.om", links=("snmp",), counters=counters)
    figures_of = {}
    for name in ("parquet", "openmetrics"):
        con = connect(tmp_path / f"{name}.duckdb")
        ensure_reference(con)
        paths = [fleet] if name == "parquet" else [fleet / "gpus.csv", fleet / "links.csv", tmp_path / "fleet.om"]
        assert all(r.status in ("ok", "skipped") for r in load_paths(con, paths))
        e = figure(con, "energy_headline")
        links = figure(con, "net_link_summary").frame.set_index("link")
        figures_of[name] = (e.value("gpu_kwh"), links["rx_gbps_avg"].to_dict(), links["peak_util_pct"].to_dict())
        con.close()
    (kwh_p, rx_p, util_p), (kwh_o, rx_o, util_o) = figures_of["parquet"], figures_of["openmetrics"]
    assert kwh_p > 0 and kwh_o == pytest.approx(kwh_p, rel=1e-9)
    assert rx_o.keys() == rx_p.keys() and all(rx_o[k] == pytest.approx(rx_p[k], rel=1e-9) for k in rx_p)
    assert all(util_o[k] == pytest.approx(util_p[k], rel=1e-9) for k in util_p)
