// SPDX-License-Identifier: GPL-3.0-or-later
// Feeds arbitrary bytes to what reads the OpenAI provider's answers (Batch objects, list pages, error
// bodies, result files) and to the intake's body decoder. Beyond "no crash": a result file's counts are
// consistent however malformed its lines (error counts sum to the failed ones, nothing counted twice),
// and an intake body that is accepted has only valid custom ids, each once, with the model in the body.
#include "Intake.h"
#include "openai/OpenAiJson.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cstdio>
#include <cstdlib>

using namespace batchmon;

namespace {

[[noreturn]] void broken(const char *what)
{
    std::fprintf(stderr, "fuzz_openai: %s\n", what);
    std::abort();
}

void checkResultFile(const QByteArray &bytes, JobStatus status)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    ProviderBatchStatus s;
    s.status = status;
    const qint64 lines = openai::readResultFile(buffer, status, s.outcomes);
    if (lines != s.outcomes.size())
        broken("readResultFile's count differs from the outcomes appended");
    const qint64 requestCount = lines + 3;
    openai::applyOutcomes(s, requestCount, std::nullopt);
    qint64 sum = 0;
    for (auto it = s.errorCounts.cbegin(); it != s.errorCounts.cend(); ++it) {
        if (it.value() <= 0 || it.key().isEmpty())
            broken("an error count that is not positive, or without a code");
        sum += it.value();
    }
    if (sum != s.failedCount)
        broken("error counts do not sum to failedCount");
    if (s.completedCount < 0 || s.failedCount < 0 || s.completedCount + s.failedCount > requestCount)
        broken("counts out of range");
    if (s.completedInputTokens > s.inputTokens || s.completedOutputTokens > s.outputTokens)
        broken("completed requests used more tokens than the batch");
}

void checkIntake(const QByteArray &bytes)
{
    const auto decoded = intake::decodeSubmission(bytes);
    if (const auto *e = std::get_if<IntakeError>(&decoded)) {
        if (!e->message.startsWith(e->path + QStringLiteral(": ")))
            broken("an intake refusal that does not start with its path");
        return;
    }
    QSet<QString> ids;
    for (const IntakeRequest &r : std::get<QList<IntakeRequest>>(decoded)) {
        if (!intake::isValidCustomId(r.customId) || ids.contains(r.customId))
            broken("an accepted custom id that is invalid or repeated");
        ids.insert(r.customId);
        if (QJsonDocument::fromJson(r.body).object().value(QStringLiteral("model")).toString() != r.model)
            broken("an accepted body without its model");
        if (!intake::endpoints().contains(r.url))
            broken("an accepted unknown endpoint");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)openai::parseBatch(bytes, 10);
    (void)openai::parseBatchPage(bytes);
    (void)openai::parseErrorBody(bytes);
    (void)openai::parseResultLine(bytes);
    checkResultFile(bytes, JobStatus::Completed);
    checkResultFile(bytes, JobStatus::Expired);
    checkResultFile(bytes, JobStatus::Cancelled);
    checkIntake(bytes);
    return 0;
}
