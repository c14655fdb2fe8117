// SPDX-License-Identifier: GPL-3.0-or-later
#include "DesktopNotifier.h"

#include "AlertMonitor.h"
#include "Colours.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QFont>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>
#include <QVariantMap>

/// Q_INIT_RESOURCE must be called outside any namespace.
static void initIconResources()
{
    Q_INIT_RESOURCE(batchmon);
}

namespace batchmon {

namespace {

const auto kService = QStringLiteral("org.freedesktop.Notifications");
const auto kPath = QStringLiteral("/org/freedesktop/Notifications");

} // namespace

QIcon DesktopNotifier::appIcon()
{
    initIconResources();
    // The SVG for any size (crisp on high-DPI screens), and the rendered sizes for where the SVG
    // icon engine is missing.
    QIcon icon(QStringLiteral(":/icons/batchmon.svg"));
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/batchmon-%1.png").arg(size), QSize(size, size));
    return icon;
}

QIcon DesktopNotifier::badgeIcon(int count)
{
    if (count <= 0)
        return appIcon();
    QPixmap pixmap = appIcon().pixmap(64, 64);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(colours::kRed);
    p.drawEllipse(QRectF(30, 0, 34, 34));
    QFont f = p.font();
    f.setBold(true);
    f.setPixelSize(count > 9 ? 16 : 22);
    p.setFont(f);
    p.setPen(Qt::white);
    p.drawText(QRectF(30, 0, 34, 34), Qt::AlignCenter,
               count > 99 ? QStringLiteral("99+") : QString::number(count));
    return QIcon(pixmap);
}

DesktopNotifier::DesktopNotifier(QObject *parent) : QObject(parent)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(badgeIcon(0), this);
        m_tray->setToolTip(tr("batchmon — no active alerts"));
        connect(m_tray, &QSystemTrayIcon::activated, this, &DesktopNotifier::activated);
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &DesktopNotifier::activated);
        m_tray->show();
    }
}

void DesktopNotifier::setActiveCount(int count)
{
    m_count = count;
    if (!m_tray)
        return;
    m_tray->setIcon(badgeIcon(count));
    m_tray->setToolTip(count == 0   ? tr("batchmon — no active alerts")
                       : count == 1 ? tr("batchmon — 1 active alert")
                                    : tr("batchmon — %1 active alerts").arg(count));
}

void DesktopNotifier::show(const QList<AlertEvent> &events)
{
    if (events.isEmpty())
        return;
    bool urgent = false;
    for (const AlertEvent &e : events)
        urgent = urgent || e.severity == Severity::Critical || e.severity == Severity::High;
    if (events.size() == 1) {
        const AlertEvent &e = events.first();
        m_lastTitle =
            tr("%1 alert: %2")
                .arg(AlertEventsModel::severityName(e.severity), AlertEventsModel::ruleName(e.rule));
        m_lastBody =
            e.jobId && !e.message.contains(*e.jobId) ? tr("%1 (job %2)").arg(e.message, *e.jobId) : e.message;
    } else {
        m_lastTitle = tr("%1 new alerts").arg(events.size());
        QStringList lines;
        for (int i = 0; i < events.size() && i < 3; ++i)
            lines << events[i].message;
        if (events.size() > 3)
            lines << tr("… and %1 more in the Alerts page.").arg(events.size() - 3);
        m_lastBody = lines.join(QLatin1Char('\n'));
    }
    const auto balloon = [this, urgent] {
        if (m_tray)
            m_tray->showMessage(m_lastTitle, m_lastBody,
                                urgent ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning);
        m_lastChannel = m_tray ? QStringLiteral("tray") : QStringLiteral("none");
    };
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        balloon();
        return;
    }
    // Asked without waiting on the UI thread; without a notification service the error answer
    // falls back to the tray's balloon.
    QDBusMessage notify = QDBusMessage::createMethodCall(kService, kPath, kService, QStringLiteral("Notify"));
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(uchar(urgent ? 2 : 1)));
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("batchmon"));
    notify << QStringLiteral("batchmon") << uint(0) << QStringLiteral("dialog-warning") << m_lastTitle
           << m_lastBody << QStringList() << hints << int(-1);
    m_lastChannel = QStringLiteral("dbus");
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(notify), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [balloon](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        if (w->isError())
            balloon();
    });
}

} // namespace batchmon
