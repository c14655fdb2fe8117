// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Money.h"
#include "pipeline/Provider.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace batchmon {

/**
 * Synchronous per-million-token prices by model name. The simulated provider answers
 * `Provider::price()` from one of these, and a model it has no price for fails validation with
 * `model_not_found` — so the table is also the simulation's list of models that exist.
 */
class ModelPrices
{
public:
    /// An empty table: every model is unknown.
    ModelPrices() = default;
    explicit ModelPrices(QMap<QString, ModelPrice> prices);

    /// OpenAI's list prices (standard tier, USD per million tokens) at the time of writing.
    static ModelPrices listPrices();

    /**
     * The price of `model`; nullopt when unknown. A dated snapshot ("gpt-4o-mini-2024-07-18") costs
     * what its alias costs when the table has no entry of its own for it, as OpenAI bills them.
     */
    std::optional<ModelPrice> price(const QString &model) const;
    /// The model names in the table, sorted.
    QStringList models() const;

private:
    QMap<QString, ModelPrice> m_prices;
};

/**
 * What `inputTokens` and `outputTokens` cost as synchronous calls: tokens × the per-million price,
 * rounded once, half away from zero, to the micro-dollar.
 *
 * Exact: a price per million tokens in dollars is a price per token in micro-dollars, so each price
 * is taken as an integer number of millionths of a micro-dollar per token (prices are resolved to
 * 1e-6 $/M, a thousandth of the finest list price) and the product is computed in integers —
 * 1,000,000 input tokens at $0.15/M are exactly $0.150000, not 0.15 × 1e6 in floating point. Negative
 * token counts and negative or non-finite prices count as 0. Exact while the result fits in `Money`.
 */
Money syncCost(const ModelPrice &price, qint64 inputTokens, qint64 outputTokens);

/**
 * What the same tokens cost through the Batch API: half the synchronous cost, computed from the
 * exact amount and rounded once (so 30 tokens at $0.15/M are 2.25 µ$ → 2 µ$, not ½ × round(4.5) = 3).
 */
Money batchCost(const ModelPrice &price, qint64 inputTokens, qint64 outputTokens);

} // namespace batchmon
