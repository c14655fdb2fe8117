// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QString>

namespace batchmon {

/// The settings key of the language chosen under View ▸ Language: "" follows the system, else "en", "de".
inline constexpr char kLanguageSettingsKey[] = "ui/language";

/**
 * Installs batchmon's translation (embedded under :/i18n) and Qt's own (qtbase_*.qm from Qt's
 * translations folder, package qt6-translations-l10n) for @p language, and makes its locale the default
 * for numbers, money and dates. An empty @p language follows the system locale.
 * Needs a QCoreApplication; returns the locale it chose.
 */
QLocale installTranslations(const QString &language);

/// The language saved in the settings (kLanguageSettingsKey), "" when the system's is followed.
QString savedLanguage();

} // namespace batchmon
