// SPDX-License-Identifier: GPL-3.0-or-later
// The few colours the widgets use for meaning (good, bad, waiting, series), chosen to read on light and
// dark bases alike, and the one way to colour a label's text so that it still follows a theme change.
#pragma once

#include <QColor>
#include <QLabel>
#include <QPalette>

#include <optional>

namespace batchmon::colours {

inline const QColor kRed{0xd3, 0x3b, 0x3b};    ///< errors, failures, bad news
inline const QColor kGreen{0x2e, 0x9d, 0x48};  ///< success, good news, savings
inline const QColor kAmber{0xc7, 0x7c, 0x02};  ///< paused, waiting
inline const QColor kBlue{0x3b, 0x82, 0xd6};   ///< the neutral series, the app's mark
inline const QColor kOrange{0xe0, 0x8a, 0x1e}; ///< the second series: cost, resources

/// `colour` for the label's text, or (nullopt) the palette's own text colour: an empty palette
/// inherits, so a later change of theme reaches the label (a copied colour would stay behind).
inline void setTextColour(QLabel *label, const std::optional<QColor> &colour)
{
    if (!colour) {
        label->setPalette(QPalette());
        return;
    }
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, *colour);
    label->setPalette(p);
}

} // namespace batchmon::colours
