// SPDX-License-Identifier: GPL-3.0-or-later
#include "Appearance.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace batchmon {

namespace {

const auto kPortalService = QStringLiteral("org.freedesktop.portal.Desktop");
const auto kPortalPath = QStringLiteral("/org/freedesktop/portal/desktop");
const auto kSettingsInterface = QStringLiteral("org.freedesktop.portal.Settings");
const auto kAppearance = QStringLiteral("org.freedesktop.appearance");
const auto kColorScheme = QStringLiteral("color-scheme");
const auto kSettingsKey = QStringLiteral("appearance/mode");

/// The portal answers Read with a variant inside a variant (a long-standing quirk of its API).
uint schemeOf(const QVariant &v)
{
    QVariant inner = v;
    while (inner.canConvert<QDBusVariant>() && inner.userType() == qMetaTypeId<QDBusVariant>())
        inner = inner.value<QDBusVariant>().variant();
    return inner.toUInt();
}

} // namespace

Appearance::Appearance(QObject *parent) : QObject(parent), m_systemPalette(QApplication::palette())
{
    const QString saved = QSettings().value(kSettingsKey).toString();
    m_mode = saved == QLatin1String("dark")    ? Mode::Dark
             : saved == QLatin1String("light") ? Mode::Light
                                               : Mode::System;
    QDBusConnection::sessionBus().connect(kPortalService, kPortalPath, kSettingsInterface,
                                          QStringLiteral("SettingChanged"), this,
                                          SLOT(onPortalSettingChanged(QString, QString, QDBusVariant)));
    askPortal();
    apply();
}

void Appearance::setMode(Mode mode)
{
    m_mode = mode;
    QSettings().setValue(kSettingsKey, mode == Mode::Dark    ? QStringLiteral("dark")
                                       : mode == Mode::Light ? QStringLiteral("light")
                                                             : QStringLiteral("system"));
    apply();
    emit modeChanged(mode);
}

bool Appearance::isDark(const QPalette &p)
{
    return p.color(QPalette::Window).lightness() < p.color(QPalette::WindowText).lightness();
}

QPalette Appearance::darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe8, 0xe8, 0xe8);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2d));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3d, 0x42));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa4, 0xaa));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x38, 0x3d));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4e));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x42));
    p.setColor(QPalette::Mid, QColor(0x25, 0x27, 0x2a));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xf0));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xf0));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x50));
    return p;
}

void Appearance::askPortal()
{
    QDBusMessage read = QDBusMessage::createMethodCall(kPortalService, kPortalPath, kSettingsInterface,
                                                       QStringLiteral("Read"));
    read << kAppearance << kColorScheme;
    // Asynchronous: without a portal the answer is an error some time later, and the app has long shown.
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(read, 2000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QVariant> reply = *w;
        if (reply.isError())
            return;                                         // no portal: the platform theme's palette stands
        m_systemPrefersDark = schemeOf(reply.value()) == 1; // 1: prefer dark, 2: prefer light, 0: none
        if (m_mode == Mode::System)
            apply();
    });
}

void Appearance::onPortalSettingChanged(const QString &group, const QString &key, const QDBusVariant &value)
{
    if (group != kAppearance || key != kColorScheme)
        return;
    m_systemPrefersDark = schemeOf(value.variant()) == 1;
    if (m_mode == Mode::System)
        apply();
}

void Appearance::apply()
{
    const bool dark =
        m_mode == Mode::Dark || (m_mode == Mode::System && m_systemPrefersDark && !isDark(m_systemPalette));
    if (dark || m_mode == Mode::Light) {
        // Our own palettes are drawn with Fusion, which uses every role (native styles may not).
        if (QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion")))
            QApplication::setStyle(fusion);
    }
    if (dark)
        QApplication::setPalette(darkPalette());
    else if (m_mode == Mode::Light)
        QApplication::setPalette(QApplication::style()->standardPalette());
    else
        QApplication::setPalette(m_systemPalette);
}

} // namespace batchmon
