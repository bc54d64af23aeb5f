#!/usr/bin/env python3
"""Independent reference implementation of the customer behavior features contract
(/work/shared/spec/features.md), used for differential testing of the C++ host.

Usage: reference.py DIR [--as-of ISO] [--utc-offset MIN] [--preset default|shopify]
                        [--diagnostics FILE] [--output FILE]

Python 3 standard library only. Time is kept as integer microseconds since the epoch.
Models: without --bgnbd the *without parameters* branch is used; with --bgnbd r,alpha,a,b
(and optionally --gg p,q,gamma; weeks, model time unit = 7 days) the *with fitted parameters*
branch, evaluated in 50-digit `decimal` arithmetic (original series of paper eq. 10 for 2F1).
"""
import argparse
import csv
import io
import math
import os
import re
import sys
from collections import Counter
from decimal import Context, Decimal, setcontext

# ---------------------------------------------------------------------------
# Text helpers (ASCII whitespace only; Python's str.strip() strips more)
# ---------------------------------------------------------------------------
WS = ' \t\n\v\f\r'
_LOWER = {c: c + 32 for c in range(ord('A'), ord('Z') + 1)}
_WS_RUN = re.compile(r'[ \t\n\v\f\r]+')


def is_blank(s):
    return s.strip(WS) == ''


def norm_cat(s):
    """Trim ASCII whitespace, lower-case A-Z only. Returns None when missing."""
    t = s.strip(WS)
    if t == '':
        return None
    return t.translate(_LOWER)


def norm_query(s):
    t = norm_cat(s)
    if t is None:
        return None
    return _WS_RUN.sub(' ', t)


def opt_id(s):
    """Ids are used exactly as given unless empty/blank (then missing)."""
    return None if is_blank(s) else s


def shop_of(s):
    return '' if is_blank(s) else s


# ---------------------------------------------------------------------------
# Calendar / timestamps
# ---------------------------------------------------------------------------
US = 1_000_000
DAY_US = 86_400 * US
MONTH_US = 2_629_746 * US  # 30.436875 days


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z):
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (m <= 2), m, d)


def is_leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def days_in_month(y, m):
    if m == 2:
        return 29 if is_leap(y) else 28
    return 31 if m in (1, 3, 5, 7, 8, 10, 12) else 30


MIN_US = days_from_civil(1, 1, 1) * DAY_US
MAX_US = days_from_civil(10000, 1, 1) * DAY_US - 1

_TS_RE = re.compile(
    r'([0-9]{4})-([0-9]{2})-([0-9]{2})'
    r'(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?)?'
    r'(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?')
_EPOCH_RE = re.compile(r'[+-]?[0-9]+')


def parse_ts(s):
    """Returns integer microseconds since the epoch, or None when bad. Caller checks blank."""
    t = s.strip(WS)
    m = _EPOCH_RE.fullmatch(t)
    if m:
        us = int(t) * US
        return us if MIN_US <= us <= MAX_US else None
    m = _TS_RE.fullmatch(t)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12):
        return None
    if not (1 <= d <= days_in_month(y, mo)):
        return None
    hh = int(m.group(4)) if m.group(4) is not None else 0
    mi = int(m.group(5)) if m.group(5) is not None else 0
    ss = int(m.group(6)) if m.group(6) is not None else 0
    if hh > 23 or mi > 59 or ss > 59:
        return None
    frac = 0
    if m.group(7) is not None:
        f = m.group(7)[:6]
        frac = int(f.ljust(6, '0'))
    off_min = 0
    z = m.group(8)
    if z is not None and z not in ('Z', 'z'):
        sign = -1 if z[0] == '-' else 1
        body = z[1:].replace(':', '')
        zh = int(body[0:2])
        zm = int(body[2:4]) if len(body) > 2 else 0
        if zh > 23 or zm > 59:
            return None
        off_min = sign * (zh * 60 + zm)
    us = ((days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss) * US + frac
          - off_min * 60 * US)
    return us if MIN_US <= us <= MAX_US else None


def fmt_as_of(us):
    days, rem = divmod(us, DAY_US)
    y, m, d = civil_from_days(days)
    secs, micro = divmod(rem, US)
    hh, r = divmod(secs, 3600)
    mi, ss = divmod(r, 60)
    out = '%04d-%02d-%02dT%02d:%02d:%02d' % (y, m, d, hh, mi, ss)
    if micro:
        if micro % 1000 == 0:
            out += '.%03d' % (micro // 1000)
        else:
            out += '.%06d' % micro
    return out + 'Z'


def local_fields(us, offset_min):
    """(month 1-12, hour 0-23, weekday 0=Mon..6) of the shop-local time."""
    loc = us + offset_min * 60 * US
    days, rem = divmod(loc, DAY_US)
    _, m, _ = civil_from_days(days)
    hour = rem // (3600 * US)
    wd = (days + 3) % 7  # 1970-01-01 was a Thursday
    return m, hour, wd


# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------
_MONEY_RE = re.compile(r'[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?')


def parse_number(s, upper):
    """Money grammar. Returns float (>= 0, <= upper) or None when bad. Caller handles blank."""
    t = s.strip(WS)
    if not _MONEY_RE.fullmatch(t):
        return None
    v = float(t)  # correctly rounded
    if v != v or math.isinf(v):
        return None
    if v < 0 or v > upper:
        return None
    return v + 0.0  # -0 -> 0


# ---------------------------------------------------------------------------
# CSV input
# ---------------------------------------------------------------------------
def read_table(path):
    """Returns list of dicts (field name -> raw string), or [] when the file is missing."""
    if not os.path.exists(path):
        return []
    with open(path, 'rb') as f:
        data = f.read().decode('utf-8')
    if data.startswith('\ufeff'):
        data = data[1:]
    rows = [r for r in csv.reader(io.StringIO(data, newline='')) if len(r) > 0]
    if not rows:
        return []
    header = [h.strip(WS) for h in rows[0]]
    index = {}
    for i, h in enumerate(header):
        if h not in index:
            index[h] = i
    out = []
    for r in rows[1:]:
        rec = {}
        for name, i in index.items():
            rec[name] = r[i] if i < len(r) else ''
        out.append(rec)
    return out


def fld(rec, name):
    return rec.get(name, '')


# ---------------------------------------------------------------------------
# Event kinds
# ---------------------------------------------------------------------------
KINDS = {}
for _kind, _names in [
    ('page_view', 'page_viewed page_view pageview'),
    ('product_view', 'product_viewed product_view view_item view detail'),
    ('collection_view', 'collection_viewed collection_view view_item_list category_view'),
    ('search', 'search_submitted search view_search_results'),
    ('add_to_cart', 'product_added_to_cart add_to_cart addtocart cart'),
    ('remove_from_cart', 'product_removed_from_cart remove_from_cart'),
    ('cart_view', 'cart_viewed view_cart'),
    ('checkout_started', 'checkout_started begin_checkout'),
    ('checkout_completed', 'checkout_completed purchase transaction'),
]:
    for _n in _names.split():
        KINDS[_n] = _kind


def classify(event_type):
    return KINDS.get(norm_cat(event_type) or '', 'other')


VOTE_OF_PREV = {
    'search': 'search',
    'collection_view': 'browse',
    'page_view': 'browse',
    'product_view': 'related',
    'add_to_cart': 'cart',
    'remove_from_cart': 'cart',
    'cart_view': 'cart',
    'checkout_started': 'browse',
    'checkout_completed': 'browse',
    'other': 'browse',
}
LABEL_PRIORITY = {'search': 0, 'browse': 1, 'related': 2, 'direct': 3, 'cart': 4}

MOBILE = {'mobile', 'phone', 'smartphone'}
DESKTOP = {'desktop', 'computer', 'pc', 'laptop'}

SEGMENTS = {
    5: ['new_customer', 'potential_loyalist', 'potential_loyalist', 'champion', 'champion'],
    4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal_customer', 'loyal_customer'],
    3: ['about_to_sleep', 'about_to_sleep', 'needs_attention', 'loyal_customer', 'loyal_customer'],
    2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose'],
    1: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose'],
}

FEATURES = [
    'total_purchases', 'avg_purchase_value', 'purchase_frequency', 'purchase_consistency',
    'seasonal_purchase_pattern',
    'total_sessions', 'avg_session_duration', 'page_views_per_session', 'bounce_rate',
    'engagement_score',
    'search_frequency', 'search_query_diversity', 'product_discovery_method', 'category_exploration',
    'cart_abandonment_rate', 'checkout_completion_rate', 'product_comparison_behavior',
    'impulse_purchase_tendency',
    'preferred_device', 'channel_preference', 'mobile_usage_pattern', 'desktop_usage_pattern',
    'preferred_shopping_time', 'shopping_day_preference', 'seasonal_behavior', 'loyalty_trend',
    'customer_segment', 'risk_score', 'lifetime_value_prediction', 'churn_probability',
]

COUNTERS = ['used', 'missing_field', 'bad_timestamp', 'after_as_of', 'before_lookback',
            'empty_order_id', 'bad_money', 'duplicate_session', 'duplicate_customer',
            'end_before_start', 'bad_end_time', 'bad_view_duration']
RECORD_KINDS = ['customer', 'interaction', 'session', 'attribution']


class Config:
    def __init__(self, preset='default', utc_offset=0):
        self.utc_offset = utc_offset
        self.session_timeout = 30 * 60 * US
        self.engaged_min_duration = 10 * US
        self.impulse_window = 10 * 60 * US
        self.trend_window = 90 * DAY_US
        self.default_purchase_cycle_days = 90.0
        self.clv_horizon_months = 12
        self.w_sessions, self.w_duration, self.w_pages, self.w_bounce = 0.30, 0.25, 0.25, 0.20
        self.h_sessions, self.h_duration, self.h_pages = 4.0, 10.0, 5.0
        self.rfm_r = [30, 90, 180, 365]
        self.rfm_f = [1, 2, 4, 8]
        if preset == 'shopify':
            self.page_view_kinds = {'page_view'}
            self.paired_page_views = True
        else:
            self.page_view_kinds = {'page_view', 'product_view', 'collection_view', 'cart_view',
                                    'search'}
            self.paired_page_views = False
        self.bgnbd = None  # (r, alpha, a, b) as floats, weeks
        self.gg = None     # (p, q, gamma) as floats


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
class Inter:
    __slots__ = ('idx', 'ts', 'kind', 'sid', 'product', 'category', 'query', 'vd', 'device')


class Sess:
    __slots__ = ('sid', 'start', 'end', 'device', 'referrer', 'members', 'record')


class Attr:
    __slots__ = ('ts', 'order', 'sid', 'atype', 'value')


class CustData:
    __slots__ = ('created', 'inters', 'sessions', 'attrs')

    def __init__(self):
        self.created = None
        self.inters = []
        self.sessions = []
        self.attrs = []


def load(dirpath):
    return (read_table(os.path.join(dirpath, 'customers.csv')),
            read_table(os.path.join(dirpath, 'user_interactions.csv')),
            read_table(os.path.join(dirpath, 'user_sessions.csv')),
            read_table(os.path.join(dirpath, 'purchase_attributions.csv')))


def default_as_of(inters, sessions, attrs):
    best = None
    for tab, col in ((inters, 'created_at'), (sessions, 'start_time'), (attrs, 'created_at')):
        for r in tab:
            v = fld(r, col)
            if is_blank(v):
                continue
            ts = parse_ts(v)
            if ts is not None and (best is None or ts > best):
                best = ts
    return best


def compute(dirpath, as_of, cfg):
    customers, inters, sessions, attrs = load(dirpath)
    if as_of is None:
        as_of = default_as_of(inters, sessions, attrs)
        if as_of is None:
            raise SystemExit('error: no valid timestamp in the batch; pass --as-of')
    diag = {k: {c: 0 for c in COUNTERS} for k in RECORD_KINDS}
    data = {}

    def cust(key):
        d = data.get(key)
        if d is None:
            d = data[key] = CustData()
        return d

    # customers
    dg = diag['customer']
    seen = set()
    for r in customers:
        cid = fld(r, 'customer_id')
        if is_blank(cid):
            dg['missing_field'] += 1
            continue
        key = (shop_of(fld(r, 'shop_id')), cid)
        d = cust(key)
        if key in seen:
            dg['duplicate_customer'] += 1
            continue
        seen.add(key)
        ca = fld(r, 'created_at')
        if is_blank(ca):
            dg['used'] += 1
            continue
        ts = parse_ts(ca)
        if ts is None:
            dg['bad_timestamp'] += 1
        elif ts > as_of:
            dg['after_as_of'] += 1
        else:
            dg['used'] += 1
            d.created = ts

    # interactions
    dg = diag['interaction']
    for i, r in enumerate(inters):
        cid = fld(r, 'customer_id')
        if not is_blank(cid):
            d = cust((shop_of(fld(r, 'shop_id')), cid))
        et, ca = fld(r, 'event_type'), fld(r, 'created_at')
        if is_blank(cid) or is_blank(et) or is_blank(ca):
            dg['missing_field'] += 1
            continue
        ts = parse_ts(ca)
        if ts is None:
            dg['bad_timestamp'] += 1
            continue
        if ts > as_of:
            dg['after_as_of'] += 1
            continue
        dg['used'] += 1
        it = Inter()
        it.idx = i
        it.ts = ts
        it.kind = classify(et)
        it.sid = opt_id(fld(r, 'session_id'))
        it.product = opt_id(fld(r, 'product_id'))
        it.category = opt_id(fld(r, 'category_id'))
        it.query = norm_query(fld(r, 'search_query'))
        it.device = norm_cat(fld(r, 'device_type'))
        vd = fld(r, 'view_duration')
        it.vd = 0
        if not is_blank(vd):
            v = parse_number(vd, 1e9)
            if v is None:
                dg['bad_view_duration'] += 1
            else:
                it.vd = int(round(v * 1e6))
        d.inters.append(it)

    # sessions
    dg = diag['session']
    seen = set()
    for r in sessions:
        cid = fld(r, 'customer_id')
        key = None
        if not is_blank(cid):
            key = (shop_of(fld(r, 'shop_id')), cid)
            d = cust(key)
        sid, st = fld(r, 'session_id'), fld(r, 'start_time')
        if is_blank(cid) or is_blank(sid) or is_blank(st):
            dg['missing_field'] += 1
            continue
        start = parse_ts(st)
        if start is None:
            dg['bad_timestamp'] += 1
            continue
        if start > as_of:
            dg['after_as_of'] += 1
            continue
        dk = (key, sid)
        if dk in seen:
            dg['duplicate_session'] += 1
            continue
        seen.add(dk)
        dg['used'] += 1
        s = Sess()
        s.record = True
        s.sid = sid
        s.start = start
        s.end = None
        et = fld(r, 'end_time')
        if not is_blank(et):
            e = parse_ts(et)
            if e is None:
                dg['bad_end_time'] += 1
            elif e < start:
                dg['end_before_start'] += 1
                s.end = start
            else:
                s.end = e
        s.device = norm_cat(fld(r, 'device_type'))
        s.referrer = norm_cat(fld(r, 'referrer_type'))
        d.sessions.append(s)

    # attributions
    dg = diag['attribution']
    for r in attrs:
        cid = fld(r, 'customer_id')
        if not is_blank(cid):
            d = cust((shop_of(fld(r, 'shop_id')), cid))
        ca = fld(r, 'created_at')
        if is_blank(cid) or is_blank(ca):
            dg['missing_field'] += 1
            continue
        ts = parse_ts(ca)
        if ts is None:
            dg['bad_timestamp'] += 1
            continue
        if ts > as_of:
            dg['after_as_of'] += 1
            continue
        oid = fld(r, 'order_id')
        if is_blank(oid):
            dg['empty_order_id'] += 1
            continue
        mv = fld(r, 'attribution_value')
        if is_blank(mv):
            val = 0.0
        else:
            val = parse_number(mv, 1e12)
            if val is None:
                dg['bad_money'] += 1
                continue
        dg['used'] += 1
        a = Attr()
        a.ts = ts
        a.order = oid
        a.sid = opt_id(fld(r, 'session_id'))
        a.atype = norm_cat(fld(r, 'attribution_type'))
        a.value = val
        d.attrs.append(a)

    rows = []
    for key in sorted(data, key=lambda k: (k[0].encode('utf-8'), k[1].encode('utf-8'))):
        rows.append((key, features(data[key], as_of, cfg)))
    return as_of, rows, diag


# ---------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------
def sat(x, h):
    return x / (x + h)


def seasonal(months):
    n = len(months)
    if n < 2:
        return None
    H = -math.fsum((c / n) * math.log(c / n) for c in Counter(months).values())
    v = 1.0 - H / math.log(min(n, 12))
    v = min(1.0, max(0.0, v))
    if v < 1e-12:
        v = 0.0
    return v


def modal_text(values):
    c = Counter(values)
    if not c:
        return None
    best = max(c.values())
    return min((v for v in c if c[v] == best), key=lambda s: s.encode('utf-8'))


def features(d, as_of, cfg):
    f = {}
    off = cfg.utc_offset
    ordered = sorted(d.inters, key=lambda it: (it.ts, 0 if it.kind == 'page_view' else 1, it.idx))

    # ---- sessions
    if d.sessions:
        S = d.sessions
        by_sid = {}
        for it in ordered:
            if it.sid is not None:
                by_sid.setdefault(it.sid, []).append(it)
        for s in S:
            s.members = by_sid.get(s.sid, [])
    else:
        S = []
        cur = None
        prev_ts = None
        for it in ordered:
            new = False
            if cur is None:
                new = True
            elif it.sid is not None:
                new = it.sid != cur.sid
            else:
                new = it.ts - prev_ts > cfg.session_timeout
            if new:
                cur = Sess()
                cur.record = False
                cur.sid = it.sid
                cur.start = it.ts
                cur.end = None
                cur.device = None
                cur.referrer = None
                cur.members = []
                S.append(cur)
            cur.members.append(it)
            prev_ts = it.ts

    attrs_by_sid = {}
    for a in d.attrs:
        if a.sid is not None:
            attrs_by_sid.setdefault(a.sid, []).append(a)

    n_s = len(S)
    durs, pvs, convs, conv_times, devices = [], [], [], [], []
    for s in S:
        end = s.end
        if end is None:
            end = s.start
            for it in s.members:
                end = max(end, it.ts + it.vd)
        durs.append(max(0, min(end, as_of) - s.start))
        pvs.append(sum(1 for it in s.members if it.kind in cfg.page_view_kinds))
        ct = [it.ts for it in s.members if it.kind == 'checkout_completed']
        if s.sid is not None:
            ct += [a.ts for a in attrs_by_sid.get(s.sid, [])]
        convs.append(bool(ct))
        conv_times.append(min(ct) if ct else None)
        dev = s.device
        if dev is None:
            for it in s.members:
                if it.device is not None:
                    dev = it.device
                    break
        devices.append(dev)

    # ---- purchases
    orders = {}
    for a in d.attrs:
        o = orders.get(a.order)
        if o is None:
            orders[a.order] = [a.ts, [a.value]]
        else:
            o[0] = min(o[0], a.ts)
            o[1].append(a.value)
    n_p = len(orders)
    order_times = sorted(o[0] for o in orders.values())

    # first_seen / tenure
    if d.created is not None:
        first_seen = d.created
    else:
        stamps = [it.ts for it in d.inters] + [s.start for s in d.sessions] + \
                 [a.ts for a in d.attrs]
        first_seen = min(stamps) if stamps else as_of
    tenure = max(1.0, (as_of - first_seen) / MONTH_US)

    # 1-5 purchase behavior
    f['total_purchases'] = n_p
    if n_p:
        avg_value = math.fsum(a.value for a in d.attrs) / n_p
        f['avg_purchase_value'] = avg_value
        f['purchase_frequency'] = n_p / tenure
    else:
        avg_value = None
        f['avg_purchase_value'] = None
        f['purchase_frequency'] = 0.0
    pc = None
    if n_p >= 3:
        gaps = [b - a for a, b in zip(order_times, order_times[1:])]
        k = len(gaps)
        s1 = sum(gaps)
        if s1 > 0:
            s2 = sum(g * g for g in gaps)
            num = k * s2 - s1 * s1  # = k^2 * var
            cv = math.sqrt(num) / s1 if num > 0 else 0.0
            pc = 1.0 / (1.0 + cv)
    f['purchase_consistency'] = pc
    f['seasonal_purchase_pattern'] = seasonal([local_fields(t, off)[0] for t in order_times])

    # 6-10 engagement
    f['total_sessions'] = n_s
    if n_s:
        avg_min = sum(durs) / (n_s * 60 * US)
        pvps = sum(pvs) / n_s
        engaged = sum(1 for du, pv, cv_ in zip(durs, pvs, convs)
                      if du > cfg.engaged_min_duration or pv >= 2 or cv_)
        bounce = (n_s - engaged) / n_s
        f['avg_session_duration'] = avg_min
        f['page_views_per_session'] = pvps
        f['bounce_rate'] = bounce
        f['engagement_score'] = 100.0 * (
            cfg.w_sessions * sat(n_s / tenure, cfg.h_sessions)
            + cfg.w_duration * sat(avg_min, cfg.h_duration)
            + cfg.w_pages * sat(pvps, cfg.h_pages)
            + cfg.w_bounce * (1.0 - bounce))
    else:
        f['avg_session_duration'] = None
        f['page_views_per_session'] = None
        f['bounce_rate'] = None
        f['engagement_score'] = 0.0

    # 11-14 search & discovery
    searches = [it for it in d.inters if it.kind == 'search']
    f['search_frequency'] = len(searches) / n_s if n_s else None
    qs = [it.query for it in searches if it.query is not None]
    f['search_query_diversity'] = len(set(qs)) / len(qs) if qs else None

    votes = Counter()
    for s in S:
        m = s.members
        for j, it in enumerate(m):
            if it.kind != 'product_view':
                continue
            k = j - 1
            if cfg.paired_page_views and k >= 0 and m[k].kind == 'page_view':
                k -= 1
            votes['direct' if k < 0 else VOTE_OF_PREV[m[k].kind]] += 1
    for a in d.attrs:
        if a.atype is not None:
            votes[a.atype] += 1
    if votes:
        best = max(votes.values())
        cands = [l for l in votes if votes[l] == best]
        f['product_discovery_method'] = min(
            cands, key=lambda l: (0, LABEL_PRIORITY[l], b'') if l in LABEL_PRIORITY
            else (1, 0, l.encode('utf-8')))
    else:
        f['product_discovery_method'] = None

    cats = Counter(it.category for it in d.inters
                   if it.kind in ('product_view', 'collection_view') and it.category is not None)
    if cats:
        n = sum(cats.values())
        f['category_exploration'] = (n * n - sum(c * c for c in cats.values())) / (n * n)
    else:
        f['category_exploration'] = None

    # 15-18 shopping patterns
    cart_s = [i for i, s in enumerate(S) if any(it.kind == 'add_to_cart' for it in s.members)]
    f['cart_abandonment_rate'] = (sum(1 for i in cart_s if not convs[i]) / len(cart_s)
                                  if cart_s else None)
    co_s = [i for i, s in enumerate(S)
            if convs[i] or any(it.kind == 'checkout_started' for it in s.members)]
    f['checkout_completion_rate'] = (sum(1 for i in co_s if convs[i]) / len(co_s)
                                     if co_s else None)
    pv_s = 0
    cmp_s = 0
    for s in S:
        pvws = [it for it in s.members if it.kind == 'product_view']
        if pvws:
            pv_s += 1
            if len({it.product for it in pvws if it.product is not None}) >= 2:
                cmp_s += 1
    f['product_comparison_behavior'] = cmp_s / pv_s if pv_s else None
    conv_idx = [i for i in range(n_s) if convs[i]]
    if conv_idx:
        imp = sum(1 for i in conv_idx
                  if max(0, conv_times[i] - S[i].start) <= cfg.impulse_window)
        f['impulse_purchase_tendency'] = imp / len(conv_idx)
    else:
        f['impulse_purchase_tendency'] = None

    # 19-22 device & channel
    devs = [x for x in devices if x is not None]
    f['preferred_device'] = modal_text(devs)
    f['channel_preference'] = modal_text([s.referrer for s in S if s.referrer is not None])
    if devs:
        f['mobile_usage_pattern'] = sum(1 for x in devs if x in MOBILE) / len(devs)
        f['desktop_usage_pattern'] = sum(1 for x in devs if x in DESKTOP) / len(devs)
    else:
        f['mobile_usage_pattern'] = None
        f['desktop_usage_pattern'] = None

    # 23-26 temporal
    if n_s:
        lf = [local_fields(s.start, off) for s in S]
        hc = Counter(x[1] for x in lf)
        hb = max(hc.values())
        f['preferred_shopping_time'] = min(h for h in hc if hc[h] == hb)
        wc = Counter(x[2] for x in lf)
        wb = max(wc.values())
        f['shopping_day_preference'] = min(w for w in wc if wc[w] == wb)
        f['seasonal_behavior'] = seasonal([x[0] for x in lf])
    else:
        f['preferred_shopping_time'] = None
        f['shopping_day_preference'] = None
        f['seasonal_behavior'] = None
    W = cfg.trend_window
    stamps = [s.start for s in S] + order_times
    a1 = sum(1 for t in stamps if as_of - W < t <= as_of)
    a0 = sum(1 for t in stamps if as_of - 2 * W < t <= as_of - W)
    if a1 + a0:
        loyalty = (a1 - a0) / (a1 + a0)
    else:
        loyalty = -1.0 if stamps else None
    f['loyalty_trend'] = loyalty

    # 27-30 segmentation and models
    churn = None
    clv = None
    if n_p:
        last = order_times[-1]
        recency_days = (as_of - last) / DAY_US
        span_days = (last - order_times[0]) / DAY_US
        if cfg.bgnbd is not None:
            churn, clv = fitted_models(order_times, as_of, avg_value, cfg)
        else:
            g = (span_days + cfg.default_purchase_cycle_days) / n_p
            churn = 1.0 - math.exp(-recency_days / (2.0 * g))
            horizon_days = cfg.clv_horizon_months * 2629746 / 86400
            clv = avg_value * (horizon_days / g) * (1.0 - churn)
        R = 1
        for score, lim in zip((5, 4, 3, 2), cfg.rfm_r):
            if recency_days <= lim:
                R = score
                break
        F = 5
        for score, lim in zip((1, 2, 3, 4), cfg.rfm_f):
            if n_p <= lim:
                F = score
                break
        seg = SEGMENTS[R][F - 1]
    else:
        seg = 'prospect' if (n_s > 0 or d.inters) else 'inactive'
    f['customer_segment'] = seg
    parts = []
    if churn is not None:
        parts.append((0.6, churn))
    if f['cart_abandonment_rate'] is not None:
        parts.append((0.2, f['cart_abandonment_rate']))
    if loyalty is not None:
        parts.append((0.2, max(0.0, -loyalty)))
    if parts:
        f['risk_score'] = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
    else:
        f['risk_score'] = None
    f['lifetime_value_prediction'] = clv
    f['churn_probability'] = churn
    return f



# ---------------------------------------------------------------------------
# Fitted models (BG/NBD + Gamma-Gamma), 50-digit decimal arithmetic
# ---------------------------------------------------------------------------
DCTX = Context(prec=50, Emax=10**8, Emin=-10**8)
D0, D1 = Decimal(0), Decimal(1)
WEEK_US = 7 * DAY_US
MONTH_WEEKS = DCTX.divide(Decimal('30.436875'), 7)  # month in weeks, 50 digits
HYP_TOL = Decimal('1e-32')
HYP_PRE = Decimal('1e-30')  # cheap pre-check before the tail bound
HYP_MAX_TERMS = 2_000_000


def dec(v):
    """A Python float (a double) as the exact decimal value."""
    return Decimal(float(v))


def hyp2f1_series(A, B, C, z):
    """2F1(A, B; C; z) for A, B > 0, 0 <= z < 1, C not a non-positive integer: the plain
    Gauss series, summed in DCTX until a rigorous bound on the remaining tail is below
    1e-32 * max(1, |partial sum|)."""
    c = DCTX
    mul, div, add = c.multiply, c.divide, c.add
    S = D1
    u = D1
    n = 0
    while True:
        an, bn, cn0 = add(A, n), add(B, n), add(C, n)
        n += 1
        u = mul(div(mul(mul(u, an), bn), mul(cn0, n)), z)
        S = add(S, u)
        au = c.abs(u)
        M = max(D1, c.abs(S))
        if au <= mul(HYP_PRE, M):
            # For m >= n: ratio_m = z (A+m)(B+m) / ((C+m)(m+1)); once C + n > 0 the two
            # factors (A+m)/(m+1) and (B+m)/(C+m) are monotone toward 1, so the sup over
            # m >= n is at most rho below; the tail is then <= |u_n| rho / (1 - rho).
            cn = add(C, n)
            if cn > 0:
                f1 = div(add(A, n), n + 1)
                f2 = div(add(B, n), cn)
                rho = mul(mul(z, max(f1, D1)), max(f2, D1))
                if rho < 1:
                    tail = div(mul(au, rho), c.subtract(D1, rho))
                    if tail <= mul(HYP_TOL, M):
                        return S
        if n > HYP_MAX_TERMS:
            raise SystemExit('error: 2F1 series did not converge (A=%s B=%s C=%s z=%s)'
                             % (A, B, C, z))


def fitted_models(order_times, as_of, avg_value, cfg):
    """(churn_probability, lifetime_value_prediction) with fitted BG/NBD (+ Gamma-Gamma)."""
    c = DCTX
    r, alpha, a, b = (dec(v) for v in cfg.bgnbd)
    n_p = len(order_times)
    x = n_p - 1
    first, last = order_times[0], order_times[-1]
    tx = c.divide(Decimal(last - first), Decimal(WEEK_US))
    T = c.divide(Decimal(as_of - first), Decimal(WEEK_US))
    rx = c.add(r, x)
    # P(alive): expit(-log_div), log_div = ln(a/(b+x-1)) + (r+x) ln((alpha+T)/(alpha+t_x))
    if x == 0:
        churn_d = D0
        denom = D1
    else:
        log_div = c.add(c.ln(c.divide(a, c.add(b, x - 1))),
                        c.multiply(rx, c.ln(c.divide(c.add(alpha, T), c.add(alpha, tx)))))
        e = c.exp(log_div)  # no overflow: exponent range is +-1e8
        churn_d = c.divide(e, c.add(D1, e))  # 1 - 1/(1+e)
        denom = c.add(D1, e)
    A, B = rx, c.add(b, x)
    Cc = c.add(c.add(a, b), x - 1)
    pre = c.divide(Cc, c.subtract(a, D1))
    aT = c.add(alpha, T)

    def expected(t):  # E[N(t)]: conditional expected purchases in (T, T + t]
        if t == 0:
            return D0
        s = c.add(aT, t)
        z = c.divide(t, s)
        F = hyp2f1_series(A, B, Cc, z)
        pw = c.exp(c.multiply(A, c.ln(c.divide(aT, s))))  # ((alpha+T)/(alpha+T+t))^(r+x)
        return c.divide(c.multiply(pre, c.subtract(D1, c.multiply(pw, F))), denom)

    # E[M]
    m = dec(avg_value)
    if cfg.gg is not None:
        p, q, gam = (dec(v) for v in cfg.gg)
        X = Decimal(n_p)
        w = c.add(c.multiply(p, X), c.subtract(q, D1))
        em = c.divide(c.multiply(p, c.add(gam, c.multiply(X, m))), w) if w > 0 else m
    else:
        em = m
    d1 = Decimal('1.01')
    clv = D0
    prev = D0
    for k in range(1, cfg.clv_horizon_months + 1):
        cur = expected(c.multiply(Decimal(k), MONTH_WEEKS))
        clv = c.add(clv, c.divide(c.multiply(c.subtract(cur, prev), em), c.power(d1, k)))
        prev = cur
    return float(churn_d), float(clv)

# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def fmt_float(x):
    r = repr(float(x))
    if r.endswith('.0'):
        r = r[:-2]  # {fmt} writes 1.0 as "1"; exponent forms (1e+16, 1e-05) already agree
    return r


def fmt_value(v):
    if v is None:
        return ''
    if isinstance(v, bool):
        raise TypeError('bool')
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return fmt_float(v)
    return v


def parse_params(text, n, name):
    parts = text.split(',')
    try:
        vals = tuple(float(v) for v in parts)
    except ValueError:
        vals = ()
    if len(vals) != n or not all(math.isfinite(v) and v > 0 for v in vals):
        raise SystemExit('error: %s needs %d positive numbers: %r' % (name, n, text))
    return vals


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument('dir')
    ap.add_argument('--as-of')
    ap.add_argument('--utc-offset', type=int, default=0)
    ap.add_argument('--preset', choices=['default', 'shopify'], default='default')
    ap.add_argument('--diagnostics')
    ap.add_argument('--output')
    ap.add_argument('--bgnbd')
    ap.add_argument('--gg')
    ap.add_argument('--quiet', action='store_true')
    args = ap.parse_args(argv)
    as_of = None
    if args.as_of is not None:
        if is_blank(args.as_of) or parse_ts(args.as_of) is None:
            raise SystemExit('error: bad --as-of: %r' % args.as_of)
        as_of = parse_ts(args.as_of)
    cfg = Config(args.preset, args.utc_offset)
    setcontext(DCTX.copy())  # any stray Decimal operator also runs at 50 digits
    if args.gg is not None and args.bgnbd is None:
        raise SystemExit('error: --gg requires --bgnbd')
    if args.bgnbd is not None:
        cfg.bgnbd = parse_params(args.bgnbd, 4, '--bgnbd')
        if cfg.bgnbd[2] == 1.0:
            raise SystemExit('error: --bgnbd needs a != 1')
    if args.gg is not None:
        cfg.gg = parse_params(args.gg, 3, '--gg')
    as_of, rows, diag = compute(args.dir, as_of, cfg)
    as_of_s = fmt_as_of(as_of)

    out = io.StringIO(newline='')
    w = csv.writer(out, lineterminator='\n')
    w.writerow(['shop_id', 'customer_id'] + FEATURES + ['as_of'])
    for (shop, cid), f in rows:
        w.writerow([shop, cid] + [fmt_value(f[name]) for name in FEATURES] + [as_of_s])
    if args.output:
        with open(args.output, 'w', encoding='utf-8', newline='') as fh:
            fh.write(out.getvalue())
    else:
        sys.stdout.write(out.getvalue())
    if args.diagnostics:
        with open(args.diagnostics, 'w', encoding='utf-8', newline='') as fh:
            dw = csv.writer(fh, lineterminator='\n')
            dw.writerow(['record_kind', 'counter', 'value'])
            for k in RECORD_KINDS:
                for c in COUNTERS:
                    dw.writerow([k, c, diag[k][c]])


if __name__ == '__main__':
    main()
