-- The four input tables of the product description (contract §1), for SQLite.
-- Every field but the row id may be NULL: the library counts unusable records in its diagnostics
-- instead of the database rejecting them. Timestamps are TEXT in the contract's §5 grammar
-- (e.g. 2025-01-26T14:03:00Z), or integer epoch seconds; money and durations are REAL.
-- Ids are TEXT and compared as bytes; shop_id '' (or NULL) is the single-shop case.

CREATE TABLE IF NOT EXISTS customer_data (
  id            INTEGER PRIMARY KEY,
  shop_id       TEXT,
  customer_id   TEXT,
  created_at    TEXT,
  updated_at    TEXT,
  tags          TEXT,
  currency_code TEXT,
  locale        TEXT
);

CREATE TABLE IF NOT EXISTS user_interactions (
  id            INTEGER PRIMARY KEY,
  shop_id       TEXT,
  customer_id   TEXT,
  session_id    TEXT,
  event_type    TEXT,
  page_type     TEXT,
  product_id    TEXT,
  category_id   TEXT,
  search_query  TEXT,
  view_duration REAL,
  device_type   TEXT,
  created_at    TEXT
);

CREATE TABLE IF NOT EXISTS user_sessions (
  id            INTEGER PRIMARY KEY,
  shop_id       TEXT,
  customer_id   TEXT,
  session_id    TEXT,
  start_time    TEXT,
  end_time      TEXT,
  device_type   TEXT,
  browser_type  TEXT,
  referrer_type TEXT,
  created_at    TEXT
);

CREATE TABLE IF NOT EXISTS purchase_attributions (
  id                INTEGER PRIMARY KEY,
  shop_id           TEXT,
  customer_id       TEXT,
  order_id          TEXT,
  product_id        TEXT,
  session_id        TEXT,
  attribution_type  TEXT,
  attribution_value REAL,
  created_at        TEXT
);

-- Reading a batch ordered by key (streaming) and finding a customer's records (incremental runs).
CREATE INDEX IF NOT EXISTS customer_data_key ON customer_data (shop_id, customer_id);
CREATE INDEX IF NOT EXISTS user_interactions_key ON user_interactions (shop_id, customer_id);
CREATE INDEX IF NOT EXISTS user_sessions_key ON user_sessions (shop_id, customer_id);
CREATE INDEX IF NOT EXISTS purchase_attributions_key ON purchase_attributions (shop_id, customer_id);
