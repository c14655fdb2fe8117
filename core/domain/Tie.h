// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <type_traits>
#include <utility>

namespace batchmon {

/// Value types declare `auto tie() const { return std::tie(...); }` and get == and != from it, so a
/// new field cannot be forgotten in one of two hand-written comparisons.
template<typename T, typename = decltype(std::declval<const T &>().tie())>
bool operator==(const T &a, const T &b)
{
    return a.tie() == b.tie();
}

template<typename T, typename = decltype(std::declval<const T &>().tie())>
bool operator!=(const T &a, const T &b)
{
    return !(a == b);
}

} // namespace batchmon
