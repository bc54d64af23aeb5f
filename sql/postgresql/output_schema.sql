-- The output tables of the product description, for PostgreSQL: one row per (shop_id, customer_id)
-- with the contract's 30 features (NULL where a feature is nullable and empty), the as_of they
-- were computed at, and when the row was last written. Hosts upsert on the unique key.

CREATE TABLE IF NOT EXISTS customer_behavior_features (
  id                           BIGSERIAL PRIMARY KEY,
  shop_id                      TEXT NOT NULL,
  customer_id                  TEXT NOT NULL,
  total_purchases              BIGINT NOT NULL,
  avg_purchase_value           DOUBLE PRECISION,
  purchase_frequency           DOUBLE PRECISION NOT NULL,
  purchase_consistency         DOUBLE PRECISION,
  seasonal_purchase_pattern    DOUBLE PRECISION,
  total_sessions               BIGINT NOT NULL,
  avg_session_duration         DOUBLE PRECISION,
  page_views_per_session       DOUBLE PRECISION,
  bounce_rate                  DOUBLE PRECISION,
  engagement_score             DOUBLE PRECISION NOT NULL,
  search_frequency             DOUBLE PRECISION,
  search_query_diversity       DOUBLE PRECISION,
  product_discovery_method     TEXT,
  category_exploration         DOUBLE PRECISION,
  cart_abandonment_rate        DOUBLE PRECISION,
  checkout_completion_rate     DOUBLE PRECISION,
  product_comparison_behavior  DOUBLE PRECISION,
  impulse_purchase_tendency    DOUBLE PRECISION,
  preferred_device             TEXT,
  channel_preference           TEXT,
  mobile_usage_pattern         DOUBLE PRECISION,
  desktop_usage_pattern        DOUBLE PRECISION,
  preferred_shopping_time      BIGINT,
  shopping_day_preference      BIGINT,
  seasonal_behavior            DOUBLE PRECISION,
  loyalty_trend                DOUBLE PRECISION,
  customer_segment             TEXT NOT NULL,
  risk_score                   DOUBLE PRECISION,
  lifetime_value_prediction    DOUBLE PRECISION,
  churn_probability            DOUBLE PRECISION,
  as_of                        TIMESTAMPTZ NOT NULL,
  last_computed_at             TIMESTAMPTZ NOT NULL,
  UNIQUE (shop_id, customer_id)
);

-- What happened to each customer's records (contract §3): one row per key, kind and counter.
CREATE TABLE IF NOT EXISTS customer_behavior_diagnostics (
  shop_id          TEXT NOT NULL,
  customer_id      TEXT NOT NULL,
  record_kind      TEXT NOT NULL,  -- customer, interaction, session, attribution
  counter          TEXT NOT NULL,  -- used, missing_field, bad_timestamp, ...
  value            BIGINT NOT NULL,
  last_computed_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (shop_id, customer_id, record_kind, counter)
);

-- One row per completed cbf-db run, written in the run's final transaction; runs publish one at a
-- time, so id is the commit order. --incremental folds these rows in that order into the instant
-- before which every row of its shard is exact (docs/hosting.md, "Overlapping runs").
CREATE TABLE IF NOT EXISTS customer_behavior_runs (
  id            BIGSERIAL PRIMARY KEY,
  started_at    TIMESTAMPTZ NOT NULL,  -- the run's clock, every row it wrote has it as last_computed_at
  as_of         TIMESTAMPTZ NOT NULL,
  mode          TEXT NOT NULL,         -- full or incremental
  changed_since TIMESTAMPTZ,           -- incremental runs: records changed at or after this instant
  shard         TEXT NOT NULL,         -- all, or K/N
  customers     BIGINT NOT NULL,       -- rows computed
  inserted      BIGINT NOT NULL,
  updated       BIGINT NOT NULL,
  unchanged     BIGINT NOT NULL
);
