"""Network figures against values computed by hand: counter reset and 64-bit wrap in the middle of
the range, 32-bit wraps, a short gap and a gap of more than an hour, saturation, p95, virtual
interfaces and links of unknown capacity; the rollups agree with the samples."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard import derive
from dashboard.config import Settings, load_settings
from dashboard.ingest import load_path
from dashboard.store import connect

from .conftest import figure, write

T0 = datetime(2026, 11, 16, 0, 0)
END = T0 + timedelta(hours=5)
MIN = 60
GB = 1e9
TWO64 = 2**64
TWO32 = 2**32

# uplink "up", 10 Gbit/s = 75e9 bytes a minute. Samples every minute from minute 0 to 180, none from
# 181 to 260 (a gap of 81 minutes: the interval across it is not counted), then 261 to 299; minute
# 137 is missing too (a 2-minute interval, still counted).
MINUTES = [m for m in range(0, 300) if (m <= 180 or m >= 261) and m != 137]
UP_RX = {m: 72e9 if 61 <= m <= 79 else 30e9 for m in range(1, 300)}  # bytes in the minute ending at m
# rx resets at minute 60 (the counter restarts from 0, so its value is the 30e9 moved since)
# tx: 15e9 a minute, a 64-bit counter passing 2^64 between minutes 100 and 101
TX_START = TWO64 - 7_000_000_000 - 100 * 15_000_000_000


def _up_rows() -> list[tuple[int, int, int]]:
    rx, rows = 5_000_000_000_000, []
    for m in range(0, 300):
        if m:
            rx = int(UP_RX[m]) if m == 60 else rx + int(UP_RX[m])
        tx = (TX_START + m * 15_000_000_000) % TWO64
        if m in MINUTES:
            rows.append((m, rx, tx))
    return rows


def _csv(rows) -> str:
    return "ts,link_id,rx_bytes,tx_bytes\n" + "".join(
        f"{(T0 + timedelta(minutes=m)).isoformat()}Z,{link},{rx},{tx}\n" for link, m, rx, tx in rows)


@pytest.fixture(scope="module")
def net(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("net")
    db = folder / "net.duckdb"
    con = connect(db)
    links = ("link_id,a_end,b_end,capacity_gbps,carrier,kind\n"
             "up,site/edge,ix,10,DT,uplink\n"
             "old32,site/edge,legacy,0.1,DT,uplink\n"
             "core,site/core,site/spine,100,internal,spine\n"
             "docker0,host,host,10,,uplink\n"
             "nocap,site/edge,ix2,10,DT,uplink\n")
    rows = [("up", m, rx, tx) for m, rx, tx in _up_rows()]
    # a 32-bit counter (ifInOctets) on a 100 Mbit/s link: 300e6 bytes a minute, wrapping 13 times
    rows += [("old32", m, (3_000_000_000 + m * 300_000_000) % TWO32, (3_000_000_000 + m * 300_000_000) % TWO32)
             for m in range(0, 181)]
    rows += [("core", m, m * 60_000_000_000, m * 60_000_000_000) for m in range(0, 181)]
    rows += [("docker0", m, m * 1_000_000_000, m * 1_000_000_000) for m in range(0, 181)]
    rows += [("nocap", m, m * 6_000_000_000, m * 3_000_000_000) for m in range(0, 181)]
    for name, text in (("links.csv", links), ("link_samples.csv", _csv(rows))):
        r = load_path(con, write(folder / name, text))
        assert r.status == "ok", r.summary()
    # what a node_exporter scrape marks (loopback, docker*, veth*, br-*): set here as the reader would
    con.execute("UPDATE links SET is_virtual = true WHERE link_name = 'docker0'")
    # a link registered from a scrape without a speed: capacity unknown
    con.execute("UPDATE links SET capacity_gbps = NULL WHERE link_name = 'nocap'")
    derive.rebuild_links(con)
    con.close()
    return db


def run(db: Path, name: str, settings: Settings | None = None, **params):
    con = connect(db, read_only=True)
    try:
        return figure(con, name, settings, **params).frame
    finally:
        con.close()


def one(frame, link: str, direction: str):
    rows = frame[(frame["link"] == link) & (frame["direction"] == direction)]
    assert len(rows) == 1, frame[["link", "direction"]]
    return rows.iloc[0]


# the intervals counted: every sample whose previous one is at most an hour earlier
COUNTED = [m for m in MINUTES[1:] if m - MINUTES[MINUTES.index(m) - 1] <= 60]
SECONDS = sum((m - MINUTES[MINUTES.index(m) - 1]) * MIN for m in COUNTED)


def test_the_design_by_hand():
    assert 261 not in COUNTED and 262 in COUNTED and 138 in COUNTED  # the long gap is a gap, the short one is not
    assert len(COUNTED) == 217 and SECONDS == 218 * MIN


def test_reset_and_64_bit_wrap_give_neither_negative_nor_doubled_traffic(net):
    f = run(net, "net_links", start=T0, end=END)
    rx, tx = one(f, "up", "in"), one(f, "up", "out")
    # rx: every counted minute's bytes (138 covers minutes 137 and 138), the reset minute its 30e9
    rx_bytes = sum(UP_RX[m] for m in range(1, 300) if m in COUNTED or (m == 137))
    assert rx_bytes == 30e9 * 199 + 72e9 * 19 == 7.338e12
    assert rx.tb == pytest.approx(7.338)
    # tx: 15e9 a minute over the 218 minutes covered, the wrap included once
    assert tx.tb == pytest.approx(15e9 * 218 / 1e12) == pytest.approx(3.27)
    assert (rx.resets, rx.wraps) == (1, 1) and (tx.resets, tx.wraps) == (1, 1)  # per link, both directions
    assert rx.hours == pytest.approx(218 / 60)
    assert rx.mean_gbps == pytest.approx(7.338e12 * 8 / (218 * 60) / 1e9)
    assert tx.mean_gbps == pytest.approx(2.0) and tx.mean_util_pct == pytest.approx(20.0)


def test_32_bit_wraps(net):
    f = run(net, "net_links", start=T0, end=END)
    r = one(f, "old32", "in")
    assert r.tb == pytest.approx(300e6 * 180 / 1e12)   # 54 GB, not 54 GB plus 13 × 4.3 GB or minus
    assert (r.wraps, r.resets) == (13, 0)
    assert r.mean_util_pct == pytest.approx(40.0) and r.peak_util_pct == pytest.approx(40.0)


def test_peak_p95_and_minutes_above_saturation(net):
    f = run(net, "net_links", start=T0, end=END)
    rx = one(f, "up", "in")
    assert rx.peak_gbps == pytest.approx(72e9 * 8 / 60 / 1e9) == pytest.approx(9.6)
    assert rx.peak_util_pct == pytest.approx(96.0)
    assert rx.minutes_above == pytest.approx(19)  # minutes 61..79 at 96 % > 90 %
    # 5-minute means: [60, 65) mixes one 4 Gbit/s and four 9.6 Gbit/s minutes, [65, 80) are three buckets
    # at 9.6, the other 41 at 4.0 (45 buckets, [135, 140) included: its 2-minute interval is one of them)
    five = sorted([4.0] * 41 + [(30e9 + 4 * 72e9) * 8 / 300 / 1e9] + [9.6] * 3)
    k = (len(five) - 1) * 0.95
    p95 = five[int(k)] + (k - int(k)) * (five[int(k) + 1] - five[int(k)])
    assert p95 == pytest.approx(9.376)
    assert rx.p95_gbps == pytest.approx(p95) and rx.p95_util_pct == pytest.approx(93.76)
    # ranked by p95 utilisation: the saturated uplink first
    assert (f.iloc[0].link, f.iloc[0].direction, f.iloc[0]["rank"]) == ("up", "in", 1)


def test_another_threshold_is_computed_from_the_samples_and_equals_the_rebuilt_rollups(net, tmp_path):
    at_35 = one(run(net, "net_links", start=T0, end=END, saturation_pct=35), "up", "in")
    assert at_35.minutes_above == pytest.approx(218)  # every covered minute is above 3.5 Gbit/s
    assert at_35.saturation_pct == 35
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(net.read_bytes())
    con = connect(copy)
    derive.rebuild_links(con, 35)
    con.close()
    rebuilt = run(copy, "net_links", start=T0, end=END, saturation_pct=35)
    assert one(rebuilt, "up", "in").minutes_above == pytest.approx(218)
    assert rebuilt.drop(columns=["rank"]).equals(
        run(net, "net_links", start=T0, end=END, saturation_pct=35).drop(columns=["rank"]))


def test_a_partial_range_reads_the_samples_at_its_ends(net):
    """Whole 5-minute buckets come from link_5m, the minutes at either end from the samples."""
    start, end = T0 + timedelta(minutes=58, seconds=30), T0 + timedelta(minutes=82, seconds=30)
    rx = one(run(net, "net_links", start=start, end=end), "up", "in")
    # minutes 59..82: 59 and 60 (the reset) at 30e9, 61..79 at 72e9, 80..82 at 30e9
    assert rx.tb == pytest.approx((30e9 * 5 + 72e9 * 19) / 1e12)
    assert rx.minutes_above == pytest.approx(19) and rx.resets == 1


def test_virtual_interfaces_and_internal_links_stay_out_of_site_totals(net):
    f = run(net, "net_links", start=T0, end=END)
    assert "docker0" not in set(f["link"])
    with_virtual = run(net, "net_links", start=T0, end=END, include_virtual=True)
    assert one(with_virtual, "docker0", "in").is_virtual
    site = run(net, "net_site_traffic", start=T0, end=END, period="all").iloc[0]
    # external: up, old32 and nocap (uplinks); not core (spine), not docker0 (virtual)
    assert site.links == 3
    assert site.in_tb == pytest.approx((7.338e12 + 54e9 + 6e9 * 180) / 1e12)
    assert site.out_tb == pytest.approx((3.27e12 + 54e9 + 3e9 * 180) / 1e12)
    assert site.capacity_gbps is None or site.capacity_gbps != site.capacity_gbps  # nocap unknown: no sum
    kinds = run(net, "net_site_traffic", start=T0, end=END, period="all", external_kinds="spine").iloc[0]
    assert kinds.links == 1 and kinds.in_tb == pytest.approx(60e9 * 180 / 1e12)


def test_site_traffic_per_period_adds_up(net):
    hours = run(net, "net_site_traffic", start=T0, end=END, period="hour")
    whole = run(net, "net_site_traffic", start=T0, end=END, period="all").iloc[0]
    assert hours["in_tb"].sum() == pytest.approx(whole.in_tb)
    assert hours["period"].tolist()[:4] == [T0 + timedelta(hours=h) for h in range(4)]


def test_unknown_capacity_gives_no_utilisation_never_zero(net):
    r = one(run(net, "net_links", start=T0, end=END), "nocap", "in")
    assert r.mean_gbps == pytest.approx(0.8)
    for col in ("capacity_gbps", "mean_util_pct", "p95_util_pct", "peak_util_pct", "minutes_above"):
        assert r[col] != r[col] or r[col] is None, col  # NaN / None


def test_drill_down_from_site_to_link(net):
    site = run(net, "net_link_series", start=T0, end=END, bucket_minutes=60)
    assert set(site["scope"]) == {"site"} and set(site["direction"]) == {"in", "out"}
    link = run(net, "net_link_series", start=T0, end=END, bucket_minutes=60, link="up")
    first = link[(link.direction == "in")].iloc[1]  # 01:00-02:00: minutes 61..79 at 9.6, the rest at 4.0
    assert first.bucket == T0 + timedelta(hours=1)
    assert first.peak_gbps == pytest.approx(9.6) and first.capacity_gbps == 10
    assert first.gbps == pytest.approx((3 * 9.6 + (30e9 + 4 * 72e9) * 8 / 300 / 1e9 + 8 * 4.0) / 12)
    with pytest.raises(Exception, match="no link named nope"):
        run(net, "net_link_series", start=T0, end=END, link="nope")


def test_a_counter_above_2_64_is_rejected_at_ingest(con, tmp_path):
    r = load_path(con, write(tmp_path / "links.csv", "link_id,capacity_gbps\nx,10\n"))
    assert r.status == "ok"
    r = load_path(con, write(tmp_path / "s.csv", "ts,link_id,rx_bytes,tx_bytes\n"
                             f"2026-11-16T00:00:00Z,x,{TWO64 - 1},0\n2026-11-16T00:01:00Z,x,{TWO64},0\n"))
    assert r.status == "partial" and r.total("loaded") == 1
    assert "above 2^64-1" in r.domains[0].first_rejects[0][2]


def test_saturation_setting(tmp_path):
    cfg = tmp_path / "aifd.toml"
    cfg.write_text('[network]\nsaturation_pct = 80\nexternal_kinds = ["uplink", "Transit"]\n')
    s = load_settings(cfg, env={})
    assert s.link_saturation_pct == 80 and s.external_link_kinds == ("uplink", "transit")
    s = load_settings(cfg, env={"AIFD_LINK_SATURATION_PCT": "95", "AIFD_EXTERNAL_LINK_KINDS": "dci, wan"})
    assert s.link_saturation_pct == 95 and s.external_link_kinds == ("dci", "wan")
    with pytest.raises(ValueError, match="saturation"):
        load_settings(cfg, env={"AIFD_LINK_SATURATION_PCT": "120"})


def test_a_changed_saturation_setting_rebuilds_the_link_rollups(net, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(net.read_bytes())
    con = connect(copy)
    assert derive.ensure(con, 0.05, 85.0, link_saturation_pct=50.0)
    assert derive.config(con)["link_saturation_pct"] == 50
    assert not derive.ensure(con, 0.05, 85.0, link_saturation_pct=50.0)
    stored = con.execute("SELECT sum(rx_seconds_above) FROM link_5m JOIN links USING (link_id) "
                         "WHERE link_name = 'up'").fetchall()[0][0]
    con.close()
    assert stored == 19 * 60  # 9.6 Gbit/s is above 50 %, 4 Gbit/s is not
