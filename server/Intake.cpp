// SPDX-License-Identifier: GPL-3.0-or-later
#include "Intake.h"

#include "json/JsonReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>

namespace batchmon::intake {

namespace {

QJsonValue optional(const std::optional<QString> &s)
{
    return s ? QJsonValue(*s) : QJsonValue(QJsonValue::Null);
}

QJsonValue time(const std::optional<QDateTime> &t)
{
    return t ? QJsonValue(json::formatTime(*t)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QStringList endpoints()
{
    return {QStringLiteral("/v1/chat/completions"), QStringLiteral("/v1/embeddings"),
            QStringLiteral("/v1/completions"), QStringLiteral("/v1/responses")};
}

bool isValidCustomId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._:-]{1,64}$"));
    return pattern.match(id).hasMatch();
}

std::variant<QList<IntakeRequest>, IntakeError> decodeSubmission(const QByteArray &body)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return IntakeError{QStringLiteral("$: not JSON (%1 at byte %2)")
                               .arg(parseError.errorString())
                               .arg(parseError.offset),
                           QStringLiteral("$")};
    if (!doc.isObject())
        return IntakeError{QStringLiteral("$: expected an object {\"requests\": [...]}"),
                           QStringLiteral("$")};
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != QLatin1String("requests"))
            return IntakeError{
                it.key() + QStringLiteral(": unknown field; the body is {\"requests\": [...]}"), it.key()};
    }
    const QJsonValue list = root.value(QStringLiteral("requests"));
    if (!list.isArray())
        return IntakeError{
            QStringLiteral("requests: expected an array of 1 to %1 requests").arg(kMaxRequestsPerCall),
            QStringLiteral("requests")};
    const QJsonArray array = list.toArray();
    if (array.isEmpty() || array.size() > kMaxRequestsPerCall)
        return IntakeError{QStringLiteral("requests: expected 1 to %1 requests, got %2")
                               .arg(kMaxRequestsPerCall)
                               .arg(array.size()),
                           QStringLiteral("requests")};
    QList<IntakeRequest> out;
    QSet<QString> seen;
    for (int i = 0; i < array.size(); ++i) {
        const QString at = QStringLiteral("requests[%1]").arg(i);
        auto fail = [&at](const QString &field, const QString &reason) {
            const QString path = field.isEmpty() ? at : at + QLatin1Char('.') + field;
            return IntakeError{path + QStringLiteral(": ") + reason, path};
        };
        if (!array.at(i).isObject())
            return fail(QString(), QStringLiteral("expected an object"));
        const QJsonObject o = array.at(i).toObject();
        static const QStringList known{QStringLiteral("customId"), QStringLiteral("jobType"),
                                       QStringLiteral("model"), QStringLiteral("url"),
                                       QStringLiteral("body")};
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!known.contains(it.key()))
                return fail(it.key(),
                            QStringLiteral("unknown field; expected customId, jobType, model, url, body"));
        }
        IntakeRequest r;
        const QJsonValue id = o.value(QStringLiteral("customId"));
        if (!id.isString() || !isValidCustomId(id.toString()))
            return fail(QStringLiteral("customId"),
                        QStringLiteral("expected 1 to 64 of the characters A-Z a-z 0-9 . _ : -"));
        r.customId = id.toString();
        if (seen.contains(r.customId))
            return fail(QStringLiteral("customId"),
                        QStringLiteral("\"%1\" appears twice in this body").arg(r.customId));
        seen.insert(r.customId);
        const QJsonValue jobType = o.value(QStringLiteral("jobType"));
        if (!jobType.isString() || jobType.toString().trimmed().isEmpty() || jobType.toString().size() > 64)
            return fail(QStringLiteral("jobType"),
                        QStringLiteral("expected a name of 1 to 64 characters, such as \"summarization\""));
        r.jobType = jobType.toString().trimmed();
        const QJsonValue body = o.value(QStringLiteral("body"));
        if (!body.isObject())
            return fail(QStringLiteral("body"),
                        QStringLiteral("expected the request's JSON object, as the endpoint takes it"));
        QJsonObject bodyObject = body.toObject();
        const QJsonValue model = o.value(QStringLiteral("model"));
        const QJsonValue bodyModel = bodyObject.value(QStringLiteral("model"));
        if (model.isUndefined() && bodyModel.isString()) {
            r.model = bodyModel.toString();
        } else if (!model.isString() || model.toString().trimmed().isEmpty()) {
            return fail(QStringLiteral("model"),
                        QStringLiteral("expected a model name, such as \"gpt-4o-mini\""));
        } else {
            r.model = model.toString().trimmed();
        }
        if (bodyModel.isUndefined())
            bodyObject.insert(QStringLiteral("model"), r.model); // the endpoint needs it in the body
        else if (bodyModel.toString() != r.model)
            return fail(
                QStringLiteral("body.model"),
                QStringLiteral("\"%1\" differs from model \"%2\"").arg(bodyModel.toString(), r.model));
        const QJsonValue url = o.value(QStringLiteral("url"));
        if (!url.isUndefined()) {
            if (!url.isString() || !endpoints().contains(url.toString()))
                return fail(QStringLiteral("url"),
                            QStringLiteral("expected one of %1").arg(endpoints().join(QStringLiteral(", "))));
            r.url = url.toString();
        }
        r.body = QJsonDocument(bodyObject).toJson(QJsonDocument::Compact);
        out.append(r);
    }
    return out;
}

QJsonObject encode(const StoredRequest &r)
{
    QJsonObject o{{QStringLiteral("customId"), r.request.customId},
                  {QStringLiteral("jobType"), r.request.jobType},
                  {QStringLiteral("model"), r.request.model},
                  {QStringLiteral("url"), r.request.url},
                  {QStringLiteral("status"), toWireString(r.state)},
                  {QStringLiteral("jobId"), optional(r.jobId)},
                  {QStringLiteral("receivedAt"), time(r.receivedAt)},
                  {QStringLiteral("finishedAt"), time(r.finishedAt)}};
    if (r.statusCode || !r.response.isEmpty()) {
        QJsonObject response{
            {QStringLiteral("statusCode"), r.statusCode ? QJsonValue(*r.statusCode) : QJsonValue()}};
        const QJsonDocument body = QJsonDocument::fromJson(r.response);
        response.insert(QStringLiteral("body"), body.isObject() ? QJsonValue(body.object()) : QJsonValue());
        o.insert(QStringLiteral("response"), response);
    } else {
        o.insert(QStringLiteral("response"), QJsonValue::Null);
    }
    if (r.errorCode)
        o.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), *r.errorCode},
                                                      {QStringLiteral("message"), optional(r.errorMessage)}});
    else
        o.insert(QStringLiteral("error"), QJsonValue::Null);
    if (r.inputTokens.value_or(0) > 0 || r.outputTokens.value_or(0) > 0)
        o.insert(QStringLiteral("usage"),
                 QJsonObject{{QStringLiteral("inputTokens"), r.inputTokens.value_or(0)},
                             {QStringLiteral("outputTokens"), r.outputTokens.value_or(0)}});
    else
        o.insert(QStringLiteral("usage"), QJsonValue::Null);
    return o;
}

} // namespace batchmon::intake
