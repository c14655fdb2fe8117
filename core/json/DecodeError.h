// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace batchmon {

/// Why a JSON document was refused, and where: `path` is the JSON path of the offending value
/// ("data.jobs[3].createdAt"), empty when the document as a whole is wrong (not JSON, too large).
struct DecodeError
{
    QString path;
    QString message;

    /// "data.summary.costSavings.currentPeriod: expected a number, got a string"
    QString toString() const { return path.isEmpty() ? message : path + QStringLiteral(": ") + message; }
};

} // namespace batchmon
