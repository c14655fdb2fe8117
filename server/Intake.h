// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/RequestStore.h"

#include <QJsonObject>

#include <variant>

namespace batchmon {

/// A refused intake body: "<JSON path>: <reason>", and the path.
struct IntakeError
{
    QString message;
    QString path;
};

namespace intake {

/// At most this many requests in one POST (the pipeline's largest batch, BATCH_MAX_REQUESTS' ceiling).
inline constexpr int kMaxRequestsPerCall = 1000;
/// The endpoints a request may name (OpenAI's Batch API endpoints).
QStringList endpoints();
/// Whether `id` may be a custom_id: 1–64 of A–Z a–z 0–9 . _ : - (it is also a URL path segment).
bool isValidCustomId(const QString &id);

/// POST /api/batch-requests's body, checked whole (docs/api.md §18.1).
std::variant<QList<IntakeRequest>, IntakeError> decodeSubmission(const QByteArray &body);
/// A stored request as GET /api/batch-requests/{customId} answers it (§18.2).
QJsonObject encode(const StoredRequest &request);

} // namespace intake
} // namespace batchmon
