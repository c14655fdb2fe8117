// SPDX-License-Identifier: GPL-3.0-or-later
#include "Workload.h"

#include <cmath>

namespace batchmon {

namespace {

quint64 mix(quint64 x)
{
    // splitmix64's finaliser: a well-spread hash of a 64-bit key.
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

double unit(quint64 seed, qint64 minute, quint64 purpose)
{
    return double(mix(seed ^ mix(quint64(minute) * 1315423911ULL + purpose)) >> 11) / double(1ULL << 53);
}

struct Stream
{
    const char *jobType;
    const char *model;
    double share;
    qint64 tokensPerRequest;
};

// The seed's job type plus a realistic mix; a sliver goes to a retired model, which the provider
// refuses with model_not_found, as happens when a team forgets to update a deployment.
constexpr Stream kStreams[] = {
    {"ai_analysis", "gpt-4o-mini", 0.38, 1200},    {"summarization", "gpt-4o-mini", 0.22, 2400},
    {"classification", "gpt-4.1-mini", 0.18, 350}, {"embedding", "text-embedding-3-small", 0.12, 280},
    {"translation", "gpt-4o", 0.08, 700},          {"translation", "gpt-3.5-turbo-0301", 0.02, 700},
};

} // namespace

QList<Arrivals> SimulatedWorkload::arrivals(const QDateTime &from, const QDateTime &to)
{
    QList<Arrivals> out;
    const qint64 first = from.toSecsSinceEpoch() / 60;
    const qint64 last = to.toSecsSinceEpoch() / 60; // minutes [first, last)
    for (const Stream &s : kStreams) {
        Arrivals a{QString::fromLatin1(s.jobType), QString::fromLatin1(s.model), 0, 0};
        for (qint64 minute = first; minute < last; ++minute) {
            // Busier from 08:00 to 18:00 UTC: the daily curve ranges from 0.4 to 1.6 of the mean.
            const double hour = double((minute % 1440) / 60);
            const double daily = 1.0 + 0.6 * std::sin((hour - 7.0) / 24.0 * 2 * M_PI);
            const double expected = m_rate / 60.0 * s.share * daily;
            // Whole requests: the expected count, rounded by a per-minute draw (no drift over a day).
            const qint64 n = qint64(std::floor(expected + unit(m_seed, minute, quint64(&s - kStreams))));
            a.count += n;
        }
        a.estimatedInputTokens = a.count * s.tokensPerRequest;
        if (a.count > 0)
            out.append(a);
    }
    return out;
}

} // namespace batchmon
