// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AlertNotifier.h"
#include "PipelineLeader.h"
#include "pipeline/Pipeline.h"
#include "store/AlertRecorder.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace batchmon {

/**
 * The server's live pipeline: every 5 s, if this process leads (PipelineLeader), the collector (when
 * asked for) at the first tick and every status check, then Pipeline::advanceTo(now), then the alert
 * rules after each status check and their notifications. The first to lead a new store with a simulated
 * workload writes its history first (the backfill).
 *
 * It runs where it lives: on the main thread over the server's own connection (the simulated provider
 * answers at once), or — with a provider that waits on the network (OpenAI's) — moved to a thread of its
 * own with a connection of its own (open(url) there), so a slow or hanging provider never holds up the
 * API's answers.
 */
class PipelineRunner : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::unique_ptr<Provider> provider;
        std::unique_ptr<Workload> workload; ///< null: the intake's requests
        PipelineSettings settings;
        int backfillDays = 0;
        bool collect = false;
        AlertConfig alertDefaults;
        BatchConfig configDefaults;
    };

    explicit PipelineRunner(Options options);
    ~PipelineRunner() override;

    /// From any thread: the provider's calls in progress and to come fail at once (stopping).
    void closeProvider() { m_options.provider->close(); }

    /// Runs over `db` (the caller's, on this thread) and leads at once (the backfill, if any, is done
    /// when this returns).
    void startOn(Database &db);

public slots:
    /// In the runner's thread: opens its own connection to `databaseUrl` and starts; failed() if it cannot.
    void startOwn(const QString &databaseUrl);
    /// An admin changed the configuration (PUT /config): the next ticks use it.
    void setConfig(const batchmon::BatchConfig &config);

signals:
    /// Jobs changed: cached snapshots are stale.
    void changed();
    void failed(const QString &message);

private:
    void begin(Database &db);
    bool lead();
    void tick();

    Options m_options;
    std::unique_ptr<Database> m_ownDb;
    Database *m_db = nullptr;
    std::unique_ptr<Pipeline> m_pipeline;
    std::unique_ptr<PipelineLeader> m_leader;
    std::unique_ptr<AlertRecorder> m_alerts;
    AlertNotifier *m_notifier = nullptr; ///< a child, made in the runner's thread
    QTimer *m_ticker = nullptr;
    QDateTime m_lastCollect;
};

} // namespace batchmon
