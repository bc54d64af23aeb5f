// cbf: customer behavior features. The umbrella header; it only includes.
#pragma once

#include <cbf/access.hpp>
#include <cbf/batch.hpp>
#include <cbf/calculator.hpp>
#include <cbf/compute.hpp>
#include <cbf/concepts.hpp>
#include <cbf/config.hpp>
#include <cbf/context.hpp>
#include <cbf/events.hpp>
#include <cbf/families/device.hpp>
#include <cbf/families/engagement.hpp>
#include <cbf/families/purchase.hpp>
#include <cbf/families/search.hpp>
#include <cbf/families/segmentation.hpp>
#include <cbf/families/shopping.hpp>
#include <cbf/families/temporal.hpp>
#include <cbf/features.hpp>
#include <cbf/fields.hpp>
#include <cbf/format.hpp>
#include <cbf/records.hpp>
#include <cbf/rows.hpp>
#include <cbf/stream.hpp>
#include <cbf/time.hpp>
#include <cbf/version.hpp>
