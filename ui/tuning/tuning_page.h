#pragma once
// Runtime tuning: the knobs as a form with presets, Apply (to the engine, origin "gui"), the
// engine's refusal shown at the field it names, the change history, and "Revert to previous
// settings", which applies the state before the last change. The consumer's fetch settings are
// shown read-only with the reason.
#include <QWidget>
#include <memory>

#include "core/pipeline/metrics.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace spillway {

class EngineControl;
class FetchSettingsBox;
class KnobForm;
class KnobHistoryFeed;
class KnobHistoryModel;
class KnobPresets;
class SnapshotFeed;
class ToneLabel;

class TuningPage : public QWidget {
    Q_OBJECT
public:
    // `control` may be null: the page then shows the knobs read-only.
    TuningPage(SnapshotFeed* feed, KnobHistoryFeed* history, EngineControl* control,
               QWidget* parent = nullptr);
    ~TuningPage() override;

    KnobForm* form() const { return form_; }
    KnobHistoryModel* historyModel() const { return history_model_; }

    // Sends the form to the engine; returns false (and shows why) when refused.
    bool apply();
    // Applies the knobs in force before the latest change.
    bool revert();
    // Fills the form from a built-in or user preset (not applied yet).
    bool choosePreset(const QString& name);
    void saveUserPreset(const QString& name);
    void removeUserPreset(const QString& name);

private:
    void build_settings_card(QWidget* card);
    void on_snapshot(const Snapshot& snapshot);
    void on_edited();
    // The form's knobs with the fetch box's settings.
    Knobs wanted() const;
    bool modified() const;
    void load_fetch(const Knobs& knobs);
    // At the field (or fetch box) it names; false when it names none.
    bool show_reason(const QString& reason);
    void refresh_presets();
    void refresh_buttons();
    bool send(const Knobs& knobs, const std::string& origin);
    void show_status(const QString& text, bool problem);
    void ask_preset_name();

    KnobHistoryFeed* history_;
    EngineControl* control_;
    std::unique_ptr<KnobPresets> presets_;
    KnobForm* form_;
    KnobHistoryModel* history_model_;
    FetchSettingsBox* fetch_box_;
    QComboBox* preset_combo_;
    QPushButton* save_preset_;
    QPushButton* delete_preset_;
    QPushButton* apply_;
    QPushButton* discard_;
    QPushButton* revert_;
    ToneLabel* status_;
    QLabel* engine_note_;
    QTableView* history_view_;
    bool loaded_once_ = false;
    std::map<std::string, std::string> start_up_properties_;  // the consumer's, at start
    uint64_t loaded_version_ = 0;
};

}  // namespace spillway
