// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace batchmon {

/// Requests that arrived for batching: `count` requests of one job type and model.
struct Arrivals
{
    QString jobType;
    QString model;
    qint64 count = 0;
    qint64 estimatedInputTokens = 0;
};

/// Where the pipeline's requests come from: the simulated demo traffic, later the intake endpoint.
class Workload
{
public:
    virtual ~Workload() = default;
    /// The requests that arrived in [from, to), grouped by job type and model.
    virtual QList<Arrivals> arrivals(const QDateTime &from, const QDateTime &to) = 0;
};

/**
 * Demo traffic: a pure function of the seed and the time, like the simulated provider, so a backfill
 * and a restart see the same requests. About 16,000 requests a day over five job types, busier in
 * working hours (UTC) than at night, a few per cent to a model the provider does not know.
 */
class SimulatedWorkload : public Workload
{
public:
    explicit SimulatedWorkload(quint64 seed, double requestsPerHour = 650)
        : m_seed(seed), m_rate(requestsPerHour)
    {}

    QList<Arrivals> arrivals(const QDateTime &from, const QDateTime &to) override;

private:
    quint64 m_seed;
    double m_rate;
};

} // namespace batchmon
