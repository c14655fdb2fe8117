// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPalette>

class QDBusVariant;

namespace batchmon {

/**
 * Light or dark, as the desktop prefers. Qt 6.4 takes the palette from the platform theme (KDE's, or
 * GTK's through the gtk3 theme); GNOME's own dark preference reaches it only through the XDG desktop
 * portal (org.freedesktop.appearance color-scheme), which Qt 6.4 does not read. So the app asks the
 * portal itself, without blocking, and follows later changes. The user can also choose Light or Dark.
 */
class Appearance : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        System,
        Light,
        Dark
    };
    Q_ENUM(Mode)

    explicit Appearance(QObject *parent = nullptr);

    Mode mode() const { return m_mode; }
    /// Applies `mode` to the application and remembers it in the settings.
    void setMode(Mode mode);
    /// Whether the palette in use is dark (its window colour darker than its text).
    static bool isDark(const QPalette &palette);
    /// The app's dark palette for the Fusion style: dark greys, light text, a blue highlight.
    static QPalette darkPalette();

signals:
    void modeChanged(batchmon::Appearance::Mode mode);

private slots:
    void onPortalSettingChanged(const QString &group, const QString &key, const QDBusVariant &value);

private:
    void apply();
    void askPortal();

    Mode m_mode = Mode::System;
    QPalette m_systemPalette;
    bool m_systemPrefersDark = false;
};

} // namespace batchmon
