#!/usr/bin/env python3
"""Random input tables full of the contract's edge cases, deterministic per seed.

Usage: generate.py OUT_DIR --seed N [--customers K]

Writes customers.csv, user_interactions.csv, user_sessions.csv, purchase_attributions.csv
(RFC 4180, UTF-8, every row at most as long as its header, every required column present).
The data's main range is 2024-01-01 .. 2024-12-31 (UTC), with a few outliers.
"""
import argparse
import os
import random

US = 1_000_000
MIN = 60 * US
HOUR = 60 * MIN
DAY = 24 * HOUR


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


def ymd_us(y, m, d, hh=0, mi=0, ss=0, us=0):
    return ((days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss) * US) + us


T0 = ymd_us(2024, 1, 1)
T1 = ymd_us(2024, 12, 31, 23, 59, 59)

OFFSETS = [0, 0, 60, -60, 120, -300, 330, -570, 345, 840, -720, 545, -30]

BAD_TS = [
    '2024-02-30T10:00:00Z', '2024-06-01T24:00:00Z', '2024-13-01', 'garbage', 'not a date',
    '0001-01-01T00:30:00+01:00', '2024-06-01T10:60:00Z', '2024-06-01T10:00:60Z',
    '2024-06-01T10:00:00+24:00', '2024-06-01T10:00:00+05:60', '2024-06-01T10:00:00.1234567890Z',
    '2024-6-01', '2024-06-01T10:00:00 Z', '2023-02-29', '2024-06-01T10', '2024-06-01T10:00:00.Z',
    '1e9', '+-5', '2024-06-01T10:00:00+5', '99999999999999', '9999-12-31T23:30:00-01:00',
    '2024-06-01T10:00:00ZZ', '2024-06-01  10:00', '2024-06-01T10:00:00+05:3', '2024/06/01',
    '\uff12\uff10\uff12\uff14-06-01', '2024-00-10', '2024-04-31', '1717236000.5', '2024-06-01T',
    '2024-06-01T10:00:00+0530x', '--1', '2024-06-01T1:00', '253402300800',
]

ODD_VALID_TS = [
    '2024-02-29', '  2024-06-01T10:00:00Z  ', '\t1717236000\t', '+1717236000',
    '2024-06-01T10:00:00.123456789Z', '2024-06-01T10:00:00,5+02:00', '2024-06-01t10:00z',
    '2024-06-01+05:30', '2024-06-01T10:00:00-0000', '2024-06-01 10:00', '2024-06-01T23:59:59.999999999-12:00',
    '2024-03-10T02:30:00-05', '0001-01-01T00:00:00Z', '0001-01-01T01:00:00+01:00',
    '-86400', '-1', '0', '1969-12-31T23:59:59.5Z', '2024-07-01T00:00:00.000001+14:00',
    '2024-12-31T23:59:59.999999-14:00', '2024-01-01T00:00:00+14:00',
]
FAR_FUTURE_TS = ['9999-12-31T23:59:59.999999Z', '253402300799', '9999-12-31T23:59:59Z',
                 '9999-12-31T23:59:59.999999999', '9999-12-31']

BAD_MONEY = ['-1', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '1e13', 'abc', '1000000000000.001',
             '0x10', '1,5', '1e400', '--1', '1.2.3', '.', 'e5', '+', '1e', '-0.01', '$5']
ODD_MONEY = ['-0', '1e-400', '-1e-400', '1e12', '', '   ', '.5', '5.', '+3', '1E2', ' 7.25 ',
             '0', '0.0', '1000000000000', '-0.0e5', '12.345e-1', '00012', '1e-7']

VD_VALUES = ['0', '1e9', '1000000001', '-0', 'nan', '', ' ', '12.5', '0.0000005', '2.5e-6',
             '1.5e-6', '-1', 'abc', '30', '3.0000005', '0.4999999', '999999999.9999999', 'inf',
             '1e-400', '7', '45', '5', '10', '10.000001', '9.9999995', '600', '1799', '.25']

EVENT_NAMES = {
    'page_view': ['page_viewed', 'page_view', 'pageview', ' Page_Viewed ', 'PAGE_VIEW', 'PageView'],
    'product_view': ['product_viewed', 'product_view', 'view_item', 'view', 'detail', 'PRODUCT_VIEW',
                     '\tView_Item '],
    'collection_view': ['collection_viewed', 'collection_view', 'view_item_list', 'category_view',
                        'VIEW_ITEM_LIST'],
    'search': ['search_submitted', 'search', 'view_search_results', ' SEARCH '],
    'add_to_cart': ['product_added_to_cart', 'add_to_cart', 'addtocart', 'cart', 'Cart'],
    'remove_from_cart': ['product_removed_from_cart', 'remove_from_cart'],
    'cart_view': ['cart_viewed', 'view_cart', 'View_Cart'],
    'checkout_started': ['checkout_started', 'begin_checkout', 'Begin_Checkout'],
    'checkout_completed': ['checkout_completed', 'purchase', 'Transaction', ' PURCHASE'],
    'other': ['scroll', 'unknown_evt', 'clicked', 'page viewed', 'pageviewed ', 'viewed',
              'checkout', '\u00e9v\u00e9nement', 'PAGE-VIEW'],
}

DEVICES = [' Mobile ', 'PHONE', 'laptop', 'tablet', '', '', 'Desktop', 'smartphone', 'pc',
           'Computer', 'TV', 'mobile', 'desktop', '  ', 'MOBILE\t', 'Ph\u00f6ne']
REFERRERS = ['Google', ' email ', 'DIRECT', '', '', 'social', 'search', 'Email', 'direct ',
             '\u00e9mail', 'organic']
ATTR_TYPES = ['search', ' Browse ', 'EMAIL', 'related', 'direct', 'cart', 'social', '',
              '', '  ', 'Search', 'BROWSE', '\u00dcn\u00efcode', 'paid_ads', 'affiliate', 'Cart ']
QUERIES = ['Shoes', 'shoes', ' SHOES ', 'red  shoes', 'Red\tShoes', 'red shoes', '', '  ',
           'hat, blue', 'say "hi"', 'multi\nline', '\u00c9t\u00e9 Robe', '\u00e9t\u00e9 robe',
           'bag', 'BAG', 'b a g', 'b  a\u00a0g', 'a\r\nb', 'A \x0b\x0c B']
CATEGORIES = ['cat1', 'cat2', 'cat3', 'Cat1', ' cat1', '', '', 'c,4', 'c\u00e4t5']
PRODUCTS = ['p1', 'p2', 'p3', 'p4', 'P1', ' p1', '', 'p"5', 'p,6']
PAGE_TYPES = ['home', 'product', 'collection', '', 'cart', 'Search']

SHOPS = ['shopA', 'shop B', '', '  ', '\t', 'sh\u00f6p\u00df', 'shopA ', 'ShopA']
CUST_BASE = ['c', ' c', 'c ', 'C', 'cust ', 'k\u00fc', '\u65e5\u672c', 'a,b', 'q"x', 'new\nline',
             '\U0001F600', 'tab\tin', 'x', 'Z', '~', '0', '-', 'cr\r\nlf', '\u00a0nb']


# --as-of values used by run_differential.sh (keep in sync) and the default as_of of mode 2:
# the generator puts records exactly on their boundaries (recency breaks, trend windows, as_of).
EDGE_AS_OFS = [ymd_us(2024, 9, 15, 12), ymd_us(2024, 6, 30, 21, 59, 59, 500000),
               ymd_us(2024, 11, 2, 7, 30, 0, 123456), 1727740800 * US, ymd_us(2024, 3, 31),
               ymd_us(2025, 1, 20, 0, 0, 0, 250000)]


class Gen:
    def __init__(self, seed, n_customers):
        self.rng = random.Random(seed)
        self.n_customers = n_customers
        self.customers = []
        self.inters = []
        self.sessions = []
        self.attrs = []
        self.seed = seed

    # ---- timestamp formatting -------------------------------------------------
    def fmt_ts(self, us, allow_odd=True):
        r = self.rng
        if allow_odd and r.random() < 0.02:
            return r.choice(ODD_VALID_TS)
        frac = us % US
        if frac == 0 and r.random() < 0.12:
            s = str(us // US)
            if r.random() < 0.2:
                s = '+' + s if us >= 0 else s
            return self.pad(s)
        off = r.choice(OFFSETS)
        loc = us + off * MIN
        days, rem = divmod(loc, DAY)
        y, m, d = civil_from_days(days)
        date = '%04d-%02d-%02d' % (y, m, d)
        secs, micro = divmod(rem, US)
        hh, rr = divmod(secs, 3600)
        mi, ss = divmod(rr, 60)
        if rem == 0 and r.random() < 0.4:
            body = date
        else:
            sep = r.choice(['T', 'T', 'T', 't', ' '])
            body = date + sep + '%02d:%02d' % (hh, mi)
            if micro:
                digits = '%06d' % micro
                need = len(digits.rstrip('0'))
                n = r.randint(need, 9)
                if n <= 6:
                    fd = digits[:n]
                else:
                    fd = digits + ''.join(r.choice('0123456789') for _ in range(n - 6))
                body += ':%02d' % ss + r.choice('.,') + fd
            elif ss or r.random() < 0.6:
                body += ':%02d' % ss
                if r.random() < 0.1:
                    body += r.choice(['.0', ',000', '.000000000', '.000000999', '.0000009'])
        if off == 0:
            z = r.choice(['Z', 'Z', 'z', '', '', '+00:00', '-00:00', '+0000', '+00'])
        else:
            sign = '+' if off > 0 else '-'
            a = abs(off)
            zh, zm = divmod(a, 60)
            forms = ['%s%02d:%02d' % (sign, zh, zm), '%s%02d%02d' % (sign, zh, zm)]
            if zm == 0:
                forms.append('%s%02d' % (sign, zh))
            z = r.choice(forms)
        return self.pad(body + z)

    def pad(self, s):
        r = self.rng.random()
        if r < 0.03:
            return ' ' + s + ' '
        if r < 0.05:
            return '\t' + s
        return s

    def maybe_bad_ts(self, us, p=0.03):
        if self.rng.random() < p:
            return self.rng.choice(BAD_TS)
        return self.fmt_ts(us)

    def rand_time(self, lo=T0, hi=T1):
        r = self.rng
        t = r.randint(lo, hi)
        g = r.random()
        if g < 0.45:
            t -= t % US
        elif g < 0.65:
            t -= t % MIN
        elif g < 0.75:
            t -= t % 1000
        elif g < 0.8:
            t -= t % DAY
        return t

    def money(self):
        r = self.rng
        x = r.random()
        if x < 0.08:
            return r.choice(BAD_MONEY)
        if x < 0.2:
            return r.choice(ODD_MONEY)
        if x < 0.6:
            return '%.2f' % (r.randint(100, 50000) / 100)
        if x < 0.8:
            return str(r.randint(1, 500))
        return repr(r.uniform(0.01, 1000.0))

    def vd(self):
        r = self.rng
        x = r.random()
        if x < 0.3:
            return ''
        if x < 0.55:
            return r.choice(VD_VALUES)
        if x < 0.8:
            return str(r.randint(0, 120))
        return '%.3f' % r.uniform(0, 900)

    def event_name(self, kind):
        return self.rng.choice(EVENT_NAMES[kind])

    # ---- customers ----------------------------------------------------------
    def keys(self):
        r = self.rng
        out = []
        used = set()
        while len(out) < self.n_customers:
            shop = r.choice(SHOPS)
            cid = r.choice(CUST_BASE) + str(r.randint(0, 40))
            if r.random() < 0.1:
                cid = r.choice(CUST_BASE)
            if (shop, cid) in used:
                continue
            used.add((shop, cid))
            out.append((shop, cid))
        return out

    def shop_variant(self, shop):
        # whitespace-only shop ids are missing = empty shop: use them interchangeably
        if shop.strip(' \t') == '' and self.rng.random() < 0.5:
            return self.rng.choice(['', ' ', '\t', '  '])
        return shop

    def customer_row(self, shop, cid, first_activity):
        r = self.rng
        x = r.random()
        if x < 0.35:
            ca = self.fmt_ts(self.rand_time(first_activity - 400 * DAY, first_activity))
        elif x < 0.5:
            ca = ''
        elif x < 0.58:
            ca = r.choice(BAD_TS)
        elif x < 0.66:
            ca = self.fmt_ts(self.rand_time(ymd_us(2025, 1, 1), ymd_us(2026, 1, 1)))
        elif x < 0.74:
            ca = self.fmt_ts(self.rand_time(ymd_us(1960, 1, 1), ymd_us(1969, 12, 31)))
        elif x < 0.8:
            ca = r.choice(ODD_VALID_TS)
        else:
            ca = self.fmt_ts(self.rand_time(first_activity, T1))
        row = {'shop_id': self.shop_variant(shop), 'customer_id': cid, 'created_at': ca,
               'updated_at': r.choice(['', 'garbage', self.fmt_ts(self.rand_time())]),
               'tags': r.choice(['', 'vip', 'a,b', 'x "y"']),
               'currency_code': r.choice(['USD', 'EUR', '']), 'locale': r.choice(['en', 'de-DE', ''])}
        self.customers.append(row)
        if r.random() < 0.12:
            row2 = dict(row)
            row2['created_at'] = self.fmt_ts(self.rand_time())
            self.customers.append(row2)

    # ---- interactions -------------------------------------------------------
    def inter(self, shop, cid, sid, kind, t, **kw):
        r = self.rng
        row = {'shop_id': self.shop_variant(shop), 'customer_id': cid,
               'session_id': sid if sid is not None else r.choice(['', '', ' ']),
               'event_type': self.event_name(kind), 'page_type': r.choice(PAGE_TYPES),
               'product_id': '', 'category_id': '', 'search_query': '',
               'view_duration': self.vd(),
               'device_type': r.choice(DEVICES) if r.random() < 0.4 else '',
               'created_at': self.maybe_bad_ts(t, 0.02)}
        if kind == 'product_view':
            row['product_id'] = r.choice(PRODUCTS)
            row['category_id'] = r.choice(CATEGORIES)
        elif kind == 'collection_view':
            row['category_id'] = r.choice(CATEGORIES)
        elif kind == 'search':
            row['search_query'] = r.choice(QUERIES)
        elif kind in ('add_to_cart', 'remove_from_cart'):
            row['product_id'] = r.choice(PRODUCTS)
        if r.random() < 0.05:
            row['search_query'] = r.choice(QUERIES)
        if r.random() < 0.05:
            row['category_id'] = r.choice(CATEGORIES)
        row.update(kw)
        self.inters.append(row)
        return row

    def kind_walk(self, n):
        r = self.rng
        kinds = list(EVENT_NAMES)
        weights = [4, 5, 2, 2, 2, 1, 1, 1, 1, 1]
        return r.choices(kinds, weights, k=n)

    def session_events(self, shop, cid, sid, start, paired, sid_noise=True):
        """Emit the interactions of one session starting around `start`. Returns last time."""
        r = self.rng
        t = start
        n = r.randint(1, 9)
        for kind in self.kind_walk(n):
            step = r.choice([0, 0, 1, 1000, US, 5 * US, 30 * US, 2 * MIN, 9 * MIN, 11 * MIN,
                             r.randint(0, 20 * MIN)])
            t += step
            s = sid
            if sid_noise and r.random() < 0.06:
                s = r.choice([None, sid + 'x', ' ' + sid])
            if kind == 'product_view' and paired and r.random() < 0.7:
                # tracker's own page event at the same instant, sometimes written after
                if r.random() < 0.5:
                    self.inter(shop, cid, s, 'page_view', t)
                    self.inter(shop, cid, s, 'product_view', t)
                else:
                    self.inter(shop, cid, s, 'product_view', t)
                    self.inter(shop, cid, s, 'page_view', t)
                continue
            self.inter(shop, cid, s, kind, t)
            if r.random() < 0.08:  # several events at the same microsecond
                self.inter(shop, cid, s, r.choice(list(EVENT_NAMES)), t)
        return t

    def record_sessions(self, shop, cid, paired):
        r = self.rng
        n = r.randint(1, 6)
        sids = []
        for k in range(n):
            sid = r.choice(['s', 'S', 'sess-', ' s']) + str(r.randint(0, 8))
            start = self.rand_time()
            sids.append((sid, start))
            last = self.session_events(shop, cid, sid, start, paired)
            x = r.random()
            if x < 0.3:
                et = self.fmt_ts(last + r.randint(0, 20 * MIN))
            elif x < 0.45:
                et = ''
            elif x < 0.52:
                et = r.choice(BAD_TS)
            elif x < 0.6:
                et = self.fmt_ts(start - r.randint(1, 3 * HOUR))
            elif x < 0.66:
                et = self.fmt_ts(start)
            elif x < 0.72:
                et = '9999-12-31T23:59:59Z'
            elif x < 0.8:
                et = self.fmt_ts(start + r.choice([10 * US, 10 * US + 1, 9 * US, 11 * US]))
            else:
                et = self.fmt_ts(start + r.randint(0, 200 * DAY))
            row = {'shop_id': self.shop_variant(shop), 'customer_id': cid, 'session_id': sid,
                   'start_time': self.maybe_bad_ts(start, 0.04), 'end_time': et,
                   'device_type': r.choice(DEVICES), 'browser_type': r.choice(['Chrome', '', 'x']),
                   'referrer_type': r.choice(REFERRERS),
                   'created_at': r.choice(['', 'garbage', self.fmt_ts(start)])}
            self.sessions.append(row)
            if r.random() < 0.12:  # duplicate session row
                row2 = dict(row)
                row2['start_time'] = self.fmt_ts(self.rand_time())
                row2['device_type'] = r.choice(DEVICES)
                self.sessions.append(row2)
        # interactions that match no session
        for _ in range(r.randint(0, 2)):
            self.inter(shop, cid, r.choice([None, 'nomatch']), r.choice(list(EVENT_NAMES)),
                       self.rand_time())
        return sids

    def derived_interactions(self, shop, cid, paired):
        r = self.rng
        sids = []
        t = self.rand_time()
        for _ in range(r.randint(1, 5)):
            use_id = r.random() < 0.5
            sid = ('d' + str(r.randint(0, 5))) if use_id else None
            if sid:
                sids.append((sid, t))
            n = r.randint(1, 7)
            for kind in self.kind_walk(n):
                gap = r.choice([0, 0, 1, US, 60 * US, 29 * MIN, 30 * MIN, 30 * MIN + 1, 30 * MIN - 1,
                                31 * MIN, 2 * HOUR, r.randint(0, 40 * MIN)])
                t += gap
                s = sid
                if r.random() < 0.15:
                    s = r.choice([None, 'd' + str(r.randint(0, 5))])
                if kind == 'product_view' and paired and r.random() < 0.7:
                    first, second = ('page_view', 'product_view') if r.random() < 0.5 else \
                        ('product_view', 'page_view')
                    self.inter(shop, cid, s, first, t)
                    self.inter(shop, cid, s, second, t)
                    continue
                self.inter(shop, cid, s, kind, t)
            t += r.choice([30 * MIN, 30 * MIN + 1, 3 * HOUR, 5 * DAY, 40 * DAY, r.randint(0, 100 * DAY)])
            if t > T1:
                t = self.rand_time()
        return sids

    def attributions(self, shop, cid, sids):
        r = self.rng
        n_orders = r.choice([0, 1, 1, 2, 3, 3, 4, 5, 8, 12])
        same_instant = r.random() < 0.1
        t_same = self.rand_time()
        for k in range(n_orders):
            oid = r.choice(['o', 'O', 'ord ', '#']) + str(r.randint(0, 15))
            if r.random() < 0.06:
                oid = r.choice(['', ' ', '\t'])
            t = t_same if same_instant else self.rand_time()
            if sids and r.random() < 0.5:
                sid, st = r.choice(sids)
                t = st + r.choice([-MIN, 0, 5 * MIN, 10 * MIN, 10 * MIN + 1, 30 * MIN, 2 * HOUR])
            else:
                sid = r.choice(['', '', 'nomatch', 's1', 'd1'])
            for _ in range(r.choice([1, 1, 1, 2, 3])):
                row = {'shop_id': self.shop_variant(shop), 'customer_id': cid, 'order_id': oid,
                       'product_id': r.choice(PRODUCTS), 'session_id': sid,
                       'attribution_type': r.choice(ATTR_TYPES), 'attribution_value': self.money(),
                       'created_at': self.maybe_bad_ts(t + r.choice([0, 0, 1, US, HOUR, -DAY]), 0.04)}
                self.attrs.append(row)

    def junk_rows(self):
        r = self.rng
        blanks = ['', ' ', '\t', '  \r ']
        for _ in range(r.randint(2, 6)):
            # blank customer ids, blank required fields
            self.inter(r.choice(SHOPS), r.choice(blanks), 's1', 'page_view', self.rand_time())
            self.inter(r.choice(SHOPS), 'c1', 's1', 'page_view', self.rand_time(), event_type=r.choice(blanks))
            self.inter(r.choice(SHOPS), 'c2', 's1', 'search', self.rand_time(), created_at=r.choice(blanks))
            self.sessions.append({'shop_id': '', 'customer_id': r.choice(blanks + ['c3']),
                                  'session_id': r.choice(blanks + ['s1']),
                                  'start_time': r.choice(blanks + [self.fmt_ts(self.rand_time())])})
            self.attrs.append({'shop_id': 'shopA', 'customer_id': r.choice(blanks + ['c4']),
                               'order_id': r.choice(blanks + ['o1']), 'attribution_value': self.money(),
                               'created_at': r.choice(blanks + [self.fmt_ts(self.rand_time()), 'garbage'])})
            self.customers.append({'customer_id': r.choice(blanks), 'shop_id': 'shopA'})
        mode = self.seed % 4
        if mode == 0:
            # a far-future (but valid) stamp decides the default as_of
            self.inter('shopA', 'future1', None, 'page_view', T0, created_at=r.choice(FAR_FUTURE_TS))
        elif mode == 1:
            # a stamp that only exists on an otherwise unusable row (it still counts for as_of)
            which = r.randint(0, 3)
            t = self.fmt_ts(ymd_us(2025, 2, 1, 12, 0, 0, r.choice([0, 500000, 123457])))
            if which == 0:
                self.inter('shopA', r.choice(blanks), 's1', 'page_view', T0, created_at=t)
            elif which == 1:
                self.inter('shopA', 'u1', 's1', 'page_view', T0, created_at=t, event_type=' ')
            elif which == 2:
                self.sessions.append({'shop_id': 'shopA', 'customer_id': 'u2', 'session_id': ' ',
                                      'start_time': t})
            else:
                self.attrs.append({'shop_id': 'shopA', 'customer_id': 'u3', 'order_id': 'o1',
                                   'attribution_value': 'nan', 'created_at': t})
        elif mode == 2:
            # records after the data's end, some on sessions' end_time / customers only
            self.inter('shopA', 'late1', None, 'product_view', ymd_us(2025, 1, 15, 8, 30))
            self.attrs.append({'shop_id': 'shopA', 'customer_id': 'late1', 'order_id': 'L1',
                               'attribution_value': '10', 'created_at': '2025-01-20T00:00:00.25Z'})
            self.sessions.append({'shop_id': 'shopA', 'customer_id': 'late1', 'session_id': 'L',
                                  'start_time': '2025-01-19', 'end_time': r.choice(FAR_FUTURE_TS),
                                  'created_at': '2026-01-01'})
        self.customers.append({'shop_id': 'shopA', 'customer_id': 'late2',
                               'created_at': r.choice(FAR_FUTURE_TS)})

    def edges(self):
        r = self.rng
        for i, A in enumerate(EDGE_AS_OFS):
            for d in (30, 90, 180, 365):
                cid = 'edge%d-%d' % (i, d)
                shop = 'edge'
                t = A - d * DAY
                sid = 'e%d' % d
                self.attrs.append({'shop_id': shop, 'customer_id': cid, 'order_id': 'E' + str(d),
                                   'session_id': sid, 'attribution_value': '25.5',
                                   'attribution_type': r.choice(ATTR_TYPES),
                                   'created_at': self.fmt_ts(t, allow_odd=False)})
                if d in (30, 90):
                    # customer created exactly at as_of (used) / a microsecond later (after_as_of)
                    ca = A if d == 30 else A + 1
                    self.customers.append({'shop_id': shop, 'customer_id': cid,
                                           'created_at': self.fmt_ts(ca, allow_odd=False)})
                if d == 30:
                    # session exactly at as_of (used), one a microsecond later (after_as_of)
                    self.sessions.append({'shop_id': shop, 'customer_id': cid, 'session_id': 'at',
                                          'start_time': self.fmt_ts(A, allow_odd=False),
                                          'end_time': self.fmt_ts(A + HOUR, allow_odd=False)})
                    self.sessions.append({'shop_id': shop, 'customer_id': cid, 'session_id': 'after',
                                          'start_time': self.fmt_ts(A + 1, allow_odd=False)})
                    self.inter(shop, cid, 'at', 'product_view', A, created_at=self.fmt_ts(A, False))
                    self.inter(shop, cid, 'at', 'add_to_cart', A + 1,
                               created_at=self.fmt_ts(A + 1, False))
                elif d == 90:
                    # derived sessions at the other trend-window boundaries and month edges
                    for tt in (A - 180 * DAY, A - 180 * DAY + 1, A - 90 * DAY + 1,
                               ymd_us(2024, 3, 1) - 1, ymd_us(2024, 3, 1),
                               ymd_us(2024, 6, 1, 4, 59, 59), ymd_us(2024, 6, 1, 5),
                               ymd_us(2024, 5, 31, 18, 30)):
                        self.inter(shop, cid, None, r.choice(['page_view', 'product_view', 'search']),
                                   tt, created_at=self.fmt_ts(tt, False))
                elif d == 180:
                    self.sessions.append({'shop_id': shop, 'customer_id': cid, 'session_id': sid,
                                          'start_time': self.fmt_ts(t - 10 * MIN, False),
                                          'end_time': self.fmt_ts(t - 10 * MIN + 10 * US, False)})

        # entropy edge cases: every month equally often (H = ln 12) and a single month
        for name, months in (('season12', list(range(1, 13))), ('season24', list(range(1, 13)) * 2),
                             ('season1', [3] * 5), ('season6', [1, 2, 3, 4, 5, 6])):
            for k, m in enumerate(months):
                t = ymd_us(2024, m, 14 - k % 2, 12)
                self.attrs.append({'shop_id': 'edge', 'customer_id': name, 'order_id': 'm%d' % k,
                                   'attribution_value': '10', 'created_at': self.fmt_ts(t, False)})
                self.inter('edge', name, None, 'page_view', t, created_at=self.fmt_ts(t, False))
        # heavy ties: many events of several kinds at one microsecond, scrambled input order
        t = self.rand_time()
        kinds = ['product_view', 'page_view', 'page_view', 'search', 'product_view', 'page_view',
                 'add_to_cart', 'collection_view', 'product_view']
        r.shuffle(kinds)
        for k in kinds:
            self.inter('edge', 'ties', 'tie-s', k, t, created_at=self.fmt_ts(t, False))
        self.inter('edge', 'ties', 'tie-s', 'product_view', t + 1, created_at=self.fmt_ts(t + 1, False))

    def build(self):
        r = self.rng
        self.edges()
        for shop, cid in self.keys():
            paired = r.random() < 0.5
            style = r.choice(['record', 'record', 'derived', 'derived', 'derived', 'buyer', 'row_only',
                              'mixed'])
            sids = []
            if style in ('record', 'mixed'):
                sids += self.record_sessions(shop, cid, paired)
            if style in ('derived', 'mixed'):
                sids += self.derived_interactions(shop, cid, paired)
            if style == 'buyer':
                sids = [('s' + str(k), self.rand_time()) for k in range(2)]
            if style != 'row_only':
                self.attributions(shop, cid, sids)
            if style == 'row_only' or r.random() < 0.7:
                self.customer_row(shop, cid, min([s for _, s in sids], default=self.rand_time()))
        self.junk_rows()
        # interleave customers; input order is part of the test
        for tab in (self.inters, self.sessions, self.attrs, self.customers):
            if r.random() < 0.6:
                r.shuffle(tab)
            else:
                # local perturbation only
                for i in range(len(tab) - 1):
                    if r.random() < 0.2:
                        tab[i], tab[i + 1] = tab[i + 1], tab[i]


COLUMNS = {
    'customers.csv': (['customer_id'], ['shop_id', 'created_at', 'updated_at', 'tags',
                                        'currency_code', 'locale']),
    'user_interactions.csv': (['customer_id', 'event_type', 'created_at'],
                              ['shop_id', 'session_id', 'page_type', 'product_id', 'category_id',
                               'search_query', 'view_duration', 'device_type']),
    'user_sessions.csv': (['customer_id', 'session_id', 'start_time'],
                          ['shop_id', 'end_time', 'device_type', 'browser_type', 'referrer_type',
                           'created_at']),
    'purchase_attributions.csv': (['customer_id', 'order_id', 'created_at'],
                                  ['shop_id', 'product_id', 'session_id', 'attribution_type',
                                   'attribution_value']),
}


def quote(v, rng):
    if any(c in v for c in ',"\r\n') or rng.random() < 0.1:
        return '"' + v.replace('"', '""') + '"'
    return v


def write_table(path, rows, required, optional, rng):
    cols = list(required)
    for c in optional:
        if c in ('shop_id', 'session_id', 'attribution_value', 'end_time') or rng.random() > 0.08:
            cols.append(c)
    rng.shuffle(cols)
    header = [(' ' + c + ' ') if rng.random() < 0.1 else c for c in cols]
    header = [('"' + h + '"') if rng.random() < 0.1 else h for h in header]
    junk_cols = []
    if rng.random() < 0.5:
        junk_cols.append(('extra_col', lambda row: rng.choice(['', 'x', 'y,z'])))
    if rng.random() < 0.4:
        # a repeated name: the first column wins; the repeat holds junk
        dup = rng.choice(cols)
        junk_cols.append((dup, lambda row: rng.choice(['JUNK', '', 'garbage'])))
    for name, _ in junk_cols:
        header.append(name)
    eol = rng.choice(['\n', '\r\n'])
    out = []
    if rng.random() < 0.3:
        out.append('\ufeff')
    if rng.random() < 0.2:
        out.append(eol)
    out.append(','.join(header) + eol)
    for row in rows:
        vals = [row.get(c, '') for c in cols] + [f(row) for _, f in junk_cols]
        # a row shorter than the header has empty trailing fields (keep >= 2 fields)
        if rng.random() < 0.1:
            while len(vals) > 2 and vals[-1] == '':
                vals.pop()
        line = ','.join(quote(v, rng) for v in vals)
        out.append(line + eol)
        if rng.random() < 0.03:
            out.append(eol)  # empty lines are skipped wherever they occur
    with open(path, 'wb') as f:
        f.write(''.join(out).encode('utf-8'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out_dir')
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--customers', type=int)
    a = ap.parse_args()
    rng = random.Random(a.seed * 7919 + 17)
    n = a.customers if a.customers else rng.randint(25, 55)
    g = Gen(a.seed, n)
    g.build()
    os.makedirs(a.out_dir, exist_ok=True)
    wrng = random.Random(a.seed * 31 + 5)
    tables = {'customers.csv': g.customers, 'user_interactions.csv': g.inters,
              'user_sessions.csv': g.sessions, 'purchase_attributions.csv': g.attrs}
    for name, rows in tables.items():
        req, opt = COLUMNS[name]
        path = os.path.join(a.out_dir, name)
        if name == 'customers.csv' and a.seed % 7 == 3:
            if os.path.exists(path):
                os.remove(path)
            continue  # a missing file = no records of that kind
        write_table(path, rows, req, opt, wrng)


if __name__ == '__main__':
    main()
