// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Alerts.h"

#include <QIcon>
#include <QObject>

class QSystemTrayIcon;

namespace batchmon {

/**
 * Shows alerts on the desktop: a notification through the freedesktop notification service (GNOME,
 * KDE and most Linux desktops have one, with or without a tray), else the tray icon's balloon; and a
 * tray icon whose badge counts the active alerts, when the desktop has a tray. Several alerts at once
 * become one notification that counts them.
 */
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    explicit DesktopNotifier(QObject *parent = nullptr);

    void show(const QList<AlertEvent> &events);
    /// The badge: the tray icon's number and tooltip.
    void setActiveCount(int count);
    int activeCount() const { return m_count; }
    /// The notification last shown (title and body), for tests and the status bar.
    QString lastTitle() const { return m_lastTitle; }
    QString lastBody() const { return m_lastBody; }
    /// Where the last notification went: "dbus", "tray" or "none" (nowhere to show it).
    QString lastChannel() const { return m_lastChannel; }
    /// The app icon with `count` in a red badge (no badge for 0).
    static QIcon badgeIcon(int count);
    /// The app's icon (resources/icons): the window's, and the tray's without alerts.
    static QIcon appIcon();

signals:
    /// The user clicked the tray icon or a notification: show the alerts.
    void activated();

private:
    QSystemTrayIcon *m_tray = nullptr;
    int m_count = 0;
    QString m_lastTitle;
    QString m_lastBody;
    QString m_lastChannel;
};

} // namespace batchmon
