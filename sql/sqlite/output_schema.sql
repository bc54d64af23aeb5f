-- The output tables of the product description, for SQLite: one row per (shop_id, customer_id)
-- with the contract's 30 features (NULL where a feature is nullable and empty), the as_of they
-- were computed at, and when the row was last written. Hosts upsert on the unique key.

CREATE TABLE IF NOT EXISTS customer_behavior_features (
  id                           INTEGER PRIMARY KEY,
  shop_id                      TEXT NOT NULL,
  customer_id                  TEXT NOT NULL,
  total_purchases              INTEGER NOT NULL,
  avg_purchase_value           REAL,
  purchase_frequency           REAL NOT NULL,
  purchase_consistency         REAL,
  seasonal_purchase_pattern    REAL,
  total_sessions               INTEGER NOT NULL,
  avg_session_duration         REAL,
  page_views_per_session       REAL,
  bounce_rate                  REAL,
  engagement_score             REAL NOT NULL,
  search_frequency             REAL,
  search_query_diversity       REAL,
  product_discovery_method     TEXT,
  category_exploration         REAL,
  cart_abandonment_rate        REAL,
  checkout_completion_rate     REAL,
  product_comparison_behavior  REAL,
  impulse_purchase_tendency    REAL,
  preferred_device             TEXT,
  channel_preference           TEXT,
  mobile_usage_pattern         REAL,
  desktop_usage_pattern        REAL,
  preferred_shopping_time      INTEGER,
  shopping_day_preference      INTEGER,
  seasonal_behavior            REAL,
  loyalty_trend                REAL,
  customer_segment             TEXT NOT NULL,
  risk_score                   REAL,
  lifetime_value_prediction    REAL,
  churn_probability            REAL,
  as_of                        TEXT NOT NULL,  -- YYYY-MM-DDTHH:MM:SS[.ffffff]Z
  last_computed_at             TEXT NOT NULL,
  UNIQUE (shop_id, customer_id)
);

-- What happened to each customer's records (contract §3): one row per key, kind and counter.
CREATE TABLE IF NOT EXISTS customer_behavior_diagnostics (
  shop_id          TEXT NOT NULL,
  customer_id      TEXT NOT NULL,
  record_kind      TEXT NOT NULL,  -- customer, interaction, session, attribution
  counter          TEXT NOT NULL,  -- used, missing_field, bad_timestamp, ...
  value            INTEGER NOT NULL,
  last_computed_at TEXT NOT NULL,
  PRIMARY KEY (shop_id, customer_id, record_kind, counter)
);

-- One row per completed cbf-db run, written in the run's final transaction; runs publish one at a
-- time, so id is the commit order. --incremental folds these rows in that order into the instant
-- before which every row of its shard is exact (docs/hosting.md, "Overlapping runs").
CREATE TABLE IF NOT EXISTS customer_behavior_runs (
  id            INTEGER PRIMARY KEY,
  started_at    TEXT NOT NULL,     -- the run's clock, every row it wrote has it as last_computed_at
  as_of         TEXT NOT NULL,
  mode          TEXT NOT NULL,     -- full or incremental
  changed_since TEXT,              -- incremental runs: records changed at or after this instant
  shard         TEXT NOT NULL,     -- all, or K/N
  customers     INTEGER NOT NULL,  -- rows computed
  inserted      INTEGER NOT NULL,
  updated       INTEGER NOT NULL,
  unchanged     INTEGER NOT NULL
);
