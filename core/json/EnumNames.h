// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace batchmon::json {

/// The allowed wire names of each enumeration, for "expected one of …" messages.
const QStringList &jobStatusNames();
const QStringList &jobPriorityNames();
const QStringList &timeRangeNames();
const QStringList &alertRuleNames();
const QStringList &severityNames();
const QStringList &cadenceNames();
const QStringList &channelNames();
const QStringList &roleNames();

} // namespace batchmon::json
