#include "ui/group/group_page.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/widgets/card.h"
#include "ui/group/group_instances_model.h"
#include "ui/session/console_logging.h"

namespace spillway {

GroupPage::GroupPage(QSettings* settings, std::unique_ptr<SecretStore> secrets, QWidget* parent)
    : QWidget(parent),
      store_(settings),
      secrets_(secrets ? std::move(secrets) : make_system_secret_store()),
      prompt_(dialog_password_prompt(this)),
      model_(new GroupInstancesModel(this)),
      table_(new QTableView),
      note_(new QLabel),
      watch_button_(new QPushButton(tr("Watch all remote engines"))) {
    setObjectName(QStringLiteral("page_group"));
    table_->setObjectName(QStringLiteral("table_group_instances"));
    watch_button_->setObjectName(QStringLiteral("button_watch_group"));
    note_->setObjectName(QStringLiteral("label_group_note"));
    table_->setModel(model_);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    note_->setWordWrap(true);

    auto* card = new Card(this);
    auto* card_layout = new QVBoxLayout(card);
    auto* title = new QLabel(tr("Instances side by side"));
    QFont title_font = title->font();
    title_font.setBold(true);
    title->setFont(title_font);
    auto* header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(watch_button_);
    card_layout->addLayout(header);
    card_layout->addWidget(note_);
    card_layout->addWidget(table_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(card);

    connect(watch_button_, &QPushButton::clicked, this, &GroupPage::watchRemoteProfiles);
    connect(model_, &QAbstractItemModel::columnsInserted, this, &GroupPage::update_note);
    connect(model_, &QAbstractItemModel::columnsRemoved, this, &GroupPage::update_note);
    update_note();
}

GroupPage::~GroupPage() = default;

void GroupPage::update_note() {
    note_->setText(model_->instanceCount() == 0
                       ? tr("Every saved connection profile of kind \"remote engine\" is shown "
                            "here, one column per engine: start several headless instances in "
                            "one consumer group and watch Kafka share the partitions among them.")
                       : tr("%n engine(s), polled twice a second. Hover over a name for its "
                            "address, or over a state for the latest failed request.",
                            nullptr, model_->instanceCount()));
}

void GroupPage::watchRemoteProfiles() {
    model_->clear();
    QPointer<GroupPage> guard(this);
    for (const QString& name : store_.names()) {
        const std::optional<ConnectionProfile> profile = store_.load(name);
        if (!profile || !profile->is_remote())
            continue;
        resolve_secrets(*secrets_, *profile, prompt_,
                        [guard](std::optional<ConnectionProfile> resolved, const QString& why) {
                            if (!guard)
                                return;
                            if (!resolved) {
                                qCInfo(lcConsole) << "group view: instance left out:" << why;
                                return;
                            }
                            guard->model_->addInstance(*resolved);
                        });
    }
}

}  // namespace spillway
