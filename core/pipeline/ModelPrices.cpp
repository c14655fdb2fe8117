// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModelPrices.h"

#include <cmath>

namespace batchmon {

namespace {

/// A price per million tokens as an integer count of millionths of a micro-dollar per token.
constexpr qint64 kPriceUnitsPerDollar = 1'000'000;
/// Tokens per million, and millionths of a micro-dollar per micro-dollar.
constexpr qint64 kMillion = 1'000'000;

qint64 priceUnits(double dollarsPerMillion)
{
    // Above $1e6 per million tokens the products below could overflow; no model costs that.
    if (!std::isfinite(dollarsPerMillion) || dollarsPerMillion <= 0 || dollarsPerMillion > 1e6)
        return 0;
    return std::llround(dollarsPerMillion * double(kPriceUnitsPerDollar));
}

/// An exact non-negative amount: `whole` micro-dollars plus `part` millionths of one (0 ≤ part < 1e6).
struct ExactMicros
{
    qint64 whole = 0;
    qint64 part = 0;

    void add(qint64 tokens, qint64 units)
    {
        if (tokens <= 0 || units <= 0)
            return;
        // tokens × units / 1e6, split so that nothing overflows: the quotient part is whole
        // micro-dollars, the remainder part is below 1e6 × units (< 1e18).
        whole += (tokens / kMillion) * units;
        const qint64 rest = (tokens % kMillion) * units + part;
        whole += rest / kMillion;
        part = rest % kMillion;
    }
};

ExactMicros exactSyncCost(const ModelPrice &price, qint64 inputTokens, qint64 outputTokens)
{
    ExactMicros amount;
    amount.add(inputTokens, priceUnits(price.inputPerMillion));
    amount.add(outputTokens, priceUnits(price.outputPerMillion));
    return amount;
}

/// "-2024-07-18": the date suffix of an OpenAI model snapshot.
constexpr int kSnapshotSuffixLength = 11;

bool hasSnapshotSuffix(const QString &model)
{
    constexpr int kLength = kSnapshotSuffixLength;
    if (model.size() <= kLength)
        return false;
    const QStringView suffix = QStringView(model).right(kLength);
    for (int i = 0; i < kLength; ++i) {
        const bool dash = i == 0 || i == 5 || i == 8;
        if (dash ? suffix[i] != QLatin1Char('-') : !suffix[i].isDigit())
            return false;
    }
    return true;
}

} // namespace

ModelPrices::ModelPrices(QMap<QString, ModelPrice> prices) : m_prices(std::move(prices)) {}

ModelPrices ModelPrices::listPrices()
{
    // OpenAI's published list prices (standard tier, USD per million tokens) when this was written,
    // used by the simulation only: batchmon's real costs come from whatever the provider reports. The
    // Batch API bills half of these (batchCost).
    return ModelPrices({
        {QStringLiteral("gpt-4o"), {2.50, 10.00}},
        {QStringLiteral("gpt-4o-mini"), {0.15, 0.60}},
        {QStringLiteral("gpt-4.1"), {2.00, 8.00}},
        {QStringLiteral("gpt-4.1-mini"), {0.40, 1.60}},
        {QStringLiteral("gpt-4.1-nano"), {0.10, 0.40}},
        {QStringLiteral("o4-mini"), {1.10, 4.40}},
        {QStringLiteral("gpt-3.5-turbo"), {0.50, 1.50}},
        // Embeddings have no output tokens.
        {QStringLiteral("text-embedding-3-small"), {0.02, 0.00}},
        {QStringLiteral("text-embedding-3-large"), {0.13, 0.00}},
    });
}

std::optional<ModelPrice> ModelPrices::price(const QString &model) const
{
    auto it = m_prices.constFind(model);
    if (it == m_prices.constEnd() && hasSnapshotSuffix(model))
        it = m_prices.constFind(model.chopped(kSnapshotSuffixLength));
    if (it == m_prices.constEnd())
        return std::nullopt;
    return *it;
}

QStringList ModelPrices::models() const
{
    return m_prices.keys();
}

Money syncCost(const ModelPrice &price, qint64 inputTokens, qint64 outputTokens)
{
    const ExactMicros amount = exactSyncCost(price, inputTokens, outputTokens);
    // Half away from zero; the amount is never negative.
    return Money::fromMicros(amount.whole + (amount.part * 2 >= kMillion ? 1 : 0));
}

Money batchCost(const ModelPrice &price, qint64 inputTokens, qint64 outputTokens)
{
    const ExactMicros amount = exactSyncCost(price, inputTokens, outputTokens);
    // (whole + part/1e6) / 2 = whole/2 + ((whole mod 2)·1e6 + part) / 2e6; that fraction rounds up
    // (half away from zero) when its numerator reaches 1e6.
    const qint64 numerator = (amount.whole % 2) * kMillion + amount.part;
    return Money::fromMicros(amount.whole / 2 + (numerator >= kMillion ? 1 : 0));
}

} // namespace batchmon
