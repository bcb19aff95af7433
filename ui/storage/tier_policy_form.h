#pragma once
// The tiering policy and the prices, editable while the engine runs: when partitions go cold, how
// often the job looks, how long a restored partition stays hot; and the price per GiB-month of
// each tier that the cost figures use. Apply sends the policy; prices apply as they change.
#include <QWidget>

#include "core/tiering/cost_model.h"
#include "core/tiering/tier_snapshot.h"

class QCheckBox;
class QDoubleSpinBox;
class QPushButton;
class QSpinBox;

namespace spillway {

class TierPolicyForm : public QWidget {
    Q_OBJECT
public:
    explicit TierPolicyForm(QWidget* parent = nullptr);

    // Shows the policy in force, unless the operator has unapplied edits.
    void showPolicy(const TierPolicy& policy);
    TierPolicy editedPolicy() const;
    void setPrices(const TierPrices& prices);
    TierPrices prices() const;
    // Without a tiering job the policy cannot be changed (the prices still can).
    void setPolicyEditable(bool editable);

signals:
    void policyApplied(const spillway::TierPolicy& policy);
    void runNowRequested();
    void pricesChanged(const spillway::TierPrices& prices);

private:
    void mark_edited();

    QCheckBox* enabled_;
    QSpinBox* archive_after_days_;
    QSpinBox* run_interval_minutes_;
    QSpinBox* restore_hold_days_;
    QPushButton* apply_;
    QPushButton* run_now_;
    QDoubleSpinBox* price_hot_;
    QDoubleSpinBox* price_cold_;
    bool edited_ = false;
};

}  // namespace spillway
