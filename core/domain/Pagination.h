// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Tie.h"

#include <QtGlobal>

#include <tuple>

namespace batchmon {

/// Where a page sits in a longer list (`pagination` of every paged response).
struct Pagination
{
    qint64 page = 1;
    qint64 limit = 50;
    qint64 total = 0;
    qint64 totalPages = 0;

    auto tie() const { return std::tie(page, limit, total, totalPages); }
};

} // namespace batchmon
