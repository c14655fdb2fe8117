// SPDX-License-Identifier: GPL-3.0-or-later
#include "MetricCard.h"

#include "Colours.h"

#include <QLabel>
#include <QPalette>
#include <QVBoxLayout>

namespace batchmon {

MetricCard::MetricCard(const QString &title, QWidget *parent)
    : QFrame(parent), m_title(new QLabel(title, this)), m_value(new QLabel(QStringLiteral("—"), this)),
      m_change(new QLabel(this))
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->setSpacing(2);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setForegroundRole(QPalette::PlaceholderText);
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.9);
    valueFont.setBold(true);
    m_value->setFont(valueFont);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_change->setWordWrap(true);
    layout->addWidget(m_title);
    layout->addWidget(m_value);
    layout->addWidget(m_change);
    layout->addStretch();
    setMinimumWidth(180);
}

void MetricCard::setValue(const QString &value)
{
    m_value->setText(value);
}

void MetricCard::setChange(const QString &text, Trend trend, bool good)
{
    QString arrow;
    switch (trend) {
    case Trend::Up:
        arrow = QStringLiteral("▲ ");
        break;
    case Trend::Down:
        arrow = QStringLiteral("▼ ");
        break;
    case Trend::Flat:
        arrow = QStringLiteral("▶ ");
        break;
    case Trend::None:
        break;
    }
    m_change->setText(text.isEmpty() ? QString() : arrow + text);
    if (trend == Trend::None || trend == Trend::Flat) {
        m_change->setPalette(QPalette()); // the normal text colour, following the palette's changes
        return;
    }
    // Green and red that read on light and dark bases alike.
    QPalette p = m_change->palette();
    p.setColor(QPalette::WindowText, good ? colours::kGreen : colours::kRed);
    m_change->setPalette(p);
}

QString MetricCard::title() const
{
    return m_title->text();
}

QString MetricCard::value() const
{
    return m_value->text();
}

QString MetricCard::change() const
{
    return m_change->text();
}

} // namespace batchmon
