// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QProgressBar;

namespace batchmon {

class DataSource;
class Session;

/**
 * The top-level window. Without a server profile it opens the demo workspace (the engine in-process,
 * clearly labelled as simulated data), showing the backfill's progress the first time.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// `demoPath`: the demo workspace's file (LocalSource::defaultDemoPath() in the app).
    explicit MainWindow(const QString &demoPath, QWidget *parent = nullptr);

    Session *session() const { return m_session; }

private:
    DataSource *m_source = nullptr;
    Session *m_session = nullptr;
    QProgressBar *m_progress = nullptr;
};

} // namespace batchmon
