// SPDX-License-Identifier: GPL-3.0-or-later
// Feeds arbitrary bytes to every response decoder. Beyond "no crash", it checks the codec's promise:
// whatever decodes, re-encodes to something that decodes to the same value.
#include "json/Codec.h"

#include <cstdio>
#include <cstdlib>

using namespace batchmon;

namespace {

template<typename T> void check(const QByteArray &body)
{
    const auto first = json::decodeResponse<T>(body);
    if (!first) {
        // Every refusal must say what is wrong.
        if (first.error().message.isEmpty())
            std::abort();
        return;
    }
    const QByteArray again = json::encodeSuccess(json::encode(first.value()));
    const auto second = json::decodeResponse<T>(again);
    if (!second || !(second.value() == first.value())) {
        std::fprintf(stderr, "round trip changed the value:\n%s\n", again.constData());
        if (!second)
            std::fprintf(stderr, "%s\n", qPrintable(second.error().toString()));
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    check<MonitoringSnapshot>(body);
    check<Job>(body);
    check<AlertConfig>(body);
    check<AlertEventPage>(body);
    check<BatchConfig>(body);
    check<AuditPage>(body);
    check<Identity>(body);
    json::decodeErrorResponse(body);
    return 0;
}
