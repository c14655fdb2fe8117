// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>

class QLabel;

namespace batchmon {

/// One of the seed's metric cards: a title, a value, and its change against the previous period
/// with a trend arrow coloured by whether the change is good news.
class MetricCard : public QFrame
{
    Q_OBJECT
public:
    enum class Trend
    {
        None,
        Up,
        Down,
        Flat
    };

    explicit MetricCard(const QString &title, QWidget *parent = nullptr);

    void setValue(const QString &value);
    /// `good`: whether this change is good news (an error rate going up is not).
    void setChange(const QString &text, Trend trend, bool good);

    QString title() const;
    QString value() const;
    QString change() const;

private:
    QLabel *m_title;
    QLabel *m_value;
    QLabel *m_change;
};

} // namespace batchmon
