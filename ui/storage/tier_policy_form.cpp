#include "ui/storage/tier_policy_form.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

#include <algorithm>

namespace spillway {

namespace {

QSpinBox* spin_box(const char* name, int minimum, int maximum, const QString& suffix,
                   QWidget* parent) {
    auto* box = new QSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setRange(minimum, maximum);
    box->setSuffix(suffix);
    return box;
}

QDoubleSpinBox* price_box(const char* name, QWidget* parent) {
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setDecimals(5);
    box->setRange(0, 1000);
    box->setSingleStep(0.001);
    box->setPrefix(QStringLiteral("$"));
    box->setSuffix(TierPolicyForm::tr(" /GiB-month"));
    return box;
}

}  // namespace

TierPolicyForm::TierPolicyForm(QWidget* parent)
    : QWidget(parent),
      enabled_(new QCheckBox(tr("Move old partitions to the cold tier"), this)),
      archive_after_days_(spin_box("policy_archive_after_days", 1, 36500, tr(" days"), this)),
      run_interval_minutes_(spin_box("policy_run_interval", 1, 7 * 24 * 60, tr(" min"), this)),
      restore_hold_days_(spin_box("policy_restore_hold", 0, 3650, tr(" days"), this)),
      apply_(new QPushButton(tr("Apply policy"), this)),
      run_now_(new QPushButton(tr("Run now"), this)),
      price_hot_(price_box("price_hot", this)),
      price_cold_(price_box("price_cold", this)) {
    setObjectName(QStringLiteral("tier_policy_form"));
    enabled_->setObjectName(QStringLiteral("policy_enabled"));
    apply_->setObjectName(QStringLiteral("policy_apply"));
    run_now_->setObjectName(QStringLiteral("tiering_run_now"));
    apply_->setEnabled(false);
    run_now_->setToolTip(tr("Look for due partitions now instead of at the next scheduled run"));

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(enabled_);
    form->addRow(tr("Archive partitions older than"), archive_after_days_);
    form->addRow(tr("Look for due partitions every"), run_interval_minutes_);
    form->addRow(tr("Keep restored partitions hot for"), restore_hold_days_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(apply_);
    buttons->addWidget(run_now_);
    buttons->addStretch(1);
    form->addRow(buttons);
    form->addRow(tr("Hot tier price"), price_hot_);
    form->addRow(tr("Cold tier price"), price_cold_);

    connect(enabled_, &QCheckBox::toggled, this, &TierPolicyForm::mark_edited);
    for (QSpinBox* box : {archive_after_days_, run_interval_minutes_, restore_hold_days_})
        connect(box, &QSpinBox::valueChanged, this, &TierPolicyForm::mark_edited);
    connect(apply_, &QPushButton::clicked, this, [this] {
        edited_ = false;
        apply_->setEnabled(false);
        emit policyApplied(editedPolicy());
    });
    connect(run_now_, &QPushButton::clicked, this, &TierPolicyForm::runNowRequested);
    for (QDoubleSpinBox* box : {price_hot_, price_cold_})
        connect(box, &QDoubleSpinBox::valueChanged, this, [this] { emit pricesChanged(prices()); });
    setPrices(TierPrices{});
}

void TierPolicyForm::mark_edited() {
    edited_ = true;
    apply_->setEnabled(true);
}

void TierPolicyForm::showPolicy(const TierPolicy& policy) {
    if (edited_)
        return;
    const QSignalBlocker b1(enabled_), b2(archive_after_days_), b3(run_interval_minutes_),
        b4(restore_hold_days_);
    enabled_->setChecked(policy.enabled);
    archive_after_days_->setValue(policy.archive_after_days);
    run_interval_minutes_->setValue(std::max(1, policy.run_interval_s / 60));
    restore_hold_days_->setValue(policy.restore_hold_days);
}

TierPolicy TierPolicyForm::editedPolicy() const {
    TierPolicy policy;
    policy.enabled = enabled_->isChecked();
    policy.archive_after_days = archive_after_days_->value();
    policy.run_interval_s = run_interval_minutes_->value() * 60;
    policy.restore_hold_days = restore_hold_days_->value();
    return policy;
}

void TierPolicyForm::setPrices(const TierPrices& prices) {
    const QSignalBlocker b1(price_hot_), b2(price_cold_);
    price_hot_->setValue(prices.hot_per_gib_month);
    price_cold_->setValue(prices.cold_per_gib_month);
}

TierPrices TierPolicyForm::prices() const {
    return TierPrices{price_hot_->value(), price_cold_->value()};
}

void TierPolicyForm::setPolicyEditable(bool editable) {
    for (QWidget* widget : std::initializer_list<QWidget*>{
             enabled_, archive_after_days_, run_interval_minutes_, restore_hold_days_, run_now_})
        widget->setEnabled(editable);
    apply_->setEnabled(editable && edited_);
}

}  // namespace spillway
