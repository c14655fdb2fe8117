// SPDX-License-Identifier: GPL-3.0-or-later
// What batchmon-bench-ui measures the UI thread with: every event the event loop dispatches, timed
// (the longest one is the longest block, and says what it was), and a 1 ms timer whose longest gap
// between two ticks is how long the UI thread could not answer.
#pragma once

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QMetaEnum>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <vector>

namespace batchmon::bench {

/// One event dispatched from the event loop (not the events sent synchronously inside it).
struct Dispatch
{
    qint64 startNs = 0; ///< on UiClock()
    qint64 durationNs = 0;
    qint64 paintNs = 0; ///< of it, in paint events (widgets' paintEvent and what they draw)
    qint64 cpuNs = 0;   ///< the UI thread's CPU time in it: far below durationNs, the thread was waiting
    QEvent::Type type = QEvent::None;
    const char *receiverClass = ""; ///< the receiver's class, read before the dispatch
    const char *parentClass = "";   ///< its parent's, for the many plain QWidgets
    QObject *receiver = nullptr;    ///< compare only: it may be gone afterwards

    double ms() const { return double(durationNs) / 1e6; }
    QString describe() const
    {
        const char *name = QMetaEnum::fromType<QEvent::Type>().valueToKey(type);
        const QString to = qstrcmp(receiverClass, "QWidget") == 0 && *parentClass
                               ? QStringLiteral("QWidget in %1").arg(QLatin1String(parentClass))
                               : QString::fromLatin1(receiverClass);
        return QStringLiteral("%1 to %2")
            .arg(name ? QString::fromLatin1(name) : QString::number(int(type)), to);
    }
};

/// The clock everything here is read on: nanoseconds since the process' first call.
inline qint64 uiClockNs()
{
    static const QElapsedTimer clock = [] {
        QElapsedTimer c;
        c.start();
        return c;
    }();
    return clock.nsecsElapsed();
}

inline double nsToMs(qint64 ns)
{
    return double(ns) / 1e6;
}

/// The calling thread's CPU time.
inline qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

/// A QApplication that times each top-level dispatch of the UI thread, and the paint events inside
/// it, and hands it to `observer`.
class TimingApp : public QApplication
{
public:
    using QApplication::QApplication;

    std::function<void(const Dispatch &)> observer;
    /// Each paint event: the widget and how long it took.
    std::function<void(QObject *, qint64 ns)> paintObserver;

    bool notify(QObject *receiver, QEvent *event) override
    {
        // notify() runs on every thread that dispatches events: only the UI thread's are of interest.
        if (QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        const bool top = m_depth == 0;
        // Paint events come one widget after the other, not nested: each is timed once.
        const bool paint = event->type() == QEvent::Paint && !m_inPaint;
        Dispatch d;
        if (top) {
            d.type = event->type();
            d.receiver = receiver;
            d.receiverClass = receiver ? receiver->metaObject()->className() : "";
            d.parentClass =
                receiver && receiver->parent() ? receiver->parent()->metaObject()->className() : "";
        }
        const qint64 paintBefore = m_paintNs;
        const qint64 cpuStart = top ? threadCpuNs() : 0;
        const qint64 start = uiClockNs();
        ++m_depth;
        m_inPaint = m_inPaint || paint;
        const bool r = QApplication::notify(receiver, event);
        if (paint)
            m_inPaint = false;
        --m_depth;
        const qint64 end = uiClockNs();
        if (paint) {
            m_paintNs += end - start;
            if (paintObserver)
                paintObserver(receiver, end - start);
        }
        if (top && observer) {
            d.startNs = start;
            d.durationNs = end - start;
            d.paintNs = m_paintNs - paintBefore;
            d.cpuNs = threadCpuNs() - cpuStart;
            observer(d);
        }
        return r;
    }

private:
    int m_depth = 0;
    bool m_inPaint = false;
    qint64 m_paintNs = 0;
};

/// A 1 ms timer on the UI thread: between arm() and disarm(), the longest time between two ticks.
class GapProbe
{
public:
    GapProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { tick(); });
        m_timer.start();
    }

    void arm()
    {
        m_armed = true;
        m_maxNs = 0;
        m_last = uiClockNs();
    }
    /// The longest gap in ms, counting up to now.
    double disarm()
    {
        tick();
        m_armed = false;
        return nsToMs(m_maxNs);
    }

private:
    void tick()
    {
        const qint64 now = uiClockNs();
        if (m_armed)
            m_maxNs = std::max(m_maxNs, now - m_last);
        m_last = now;
    }

    QTimer m_timer;
    bool m_armed = false;
    qint64 m_last = 0;
    qint64 m_maxNs = 0;
};

/// min, median, p95 (nearest rank) and max of a sample.
struct Stats
{
    double min = 0, p50 = 0, p95 = 0, max = 0;
    int n = 0;

    static Stats of(std::vector<double> v)
    {
        Stats s;
        if (v.empty())
            return s;
        std::sort(v.begin(), v.end());
        const auto rank = [&v](double p) {
            const size_t k = size_t(std::max(1.0, std::ceil(p * double(v.size()))));
            return v[std::min(k, v.size()) - 1];
        };
        s.n = int(v.size());
        s.min = v.front();
        s.p50 = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
        s.p95 = rank(0.95);
        s.max = v.back();
        return s;
    }
};

} // namespace batchmon::bench
