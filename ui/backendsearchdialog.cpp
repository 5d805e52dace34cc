#include "ui/backendsearchdialog.h"

#include "ui/displaytext.h"
#include "ui/secretstore.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace causeway::ui {

namespace {

struct Range
{
    const char *label;
    qint64 seconds;
};
constexpr Range kRanges[] = {{"Last 15 minutes", 900},  {"Last hour", 3600},     {"Last 6 hours", 21600},
                             {"Last 24 hours", 86400}, {"Last 7 days", 604800}};

bool isTempo(const backend::BackendConfig &b)
{
    return b.kind.value_or(backend::BackendKind::Tempo) == backend::BackendKind::Tempo;
}

} // namespace

BackendSearchDialog::BackendSearchDialog(std::vector<backend::BackendConfig> backends, QWidget *parent)
    : QDialog(parent), m_backends(std::move(backends))
{
    setWindowTitle(QStringLiteral("Open from Backend"));
    resize(900, 560);
    auto *layout = new QVBoxLayout(this);
    auto *top = new QFormLayout;
    m_backend = new QComboBox(this);
    for (const auto &b : m_backends)
        m_backend->addItem(QStringLiteral("%1  (%2, %3)")
                               .arg(QString::fromStdString(b.name),
                                    b.kind ? QString::fromLatin1(backend::kindTitle(*b.kind)) : QStringLiteral("kind detected"),
                                    QString::fromStdString(backend::redactUrl(b.baseUrl))));
    top->addRow(QStringLiteral("&Backend:"), m_backend);
    layout->addLayout(top);

    m_pages = new QStackedWidget(this);
    auto *tempoPage = new QWidget(m_pages);
    auto *tempoForm = new QFormLayout(tempoPage);
    tempoForm->setContentsMargins(0, 0, 0, 0);
    m_traceql = new QLineEdit(QStringLiteral("{ }"), tempoPage);
    m_traceql->setPlaceholderText(QStringLiteral("{ resource.service.name = \"checkout\" && status = error }"));
    tempoForm->addRow(QStringLiteral("&TraceQL:"), m_traceql);
    auto *jaegerPage = new QWidget(m_pages);
    auto *jaegerForm = new QFormLayout(jaegerPage);
    jaegerForm->setContentsMargins(0, 0, 0, 0);
    m_service = new QLineEdit(jaegerPage);
    m_operation = new QLineEdit(jaegerPage);
    m_tags = new QLineEdit(jaegerPage);
    m_tags->setPlaceholderText(QStringLiteral("http.status_code=500 error=true"));
    jaegerForm->addRow(QStringLiteral("&Service:"), m_service);
    jaegerForm->addRow(QStringLiteral("&Operation:"), m_operation);
    jaegerForm->addRow(QStringLiteral("T&ags:"), m_tags);
    m_pages->addWidget(tempoPage);
    m_pages->addWidget(jaegerPage);
    layout->addWidget(m_pages);

    auto *row = new QHBoxLayout;
    m_range = new QComboBox(this);
    for (const Range &r : kRanges)
        m_range->addItem(QString::fromLatin1(r.label), r.seconds);
    m_range->setCurrentIndex(1);
    m_limit = new QSpinBox(this);
    m_limit->setRange(1, 1000);
    m_limit->setValue(20);
    m_limit->setPrefix(QStringLiteral("at most "));
    m_searchButton = new QPushButton(QStringLiteral("&Search"), this);
    m_searchButton->setDefault(true);
    row->addWidget(new QLabel(QStringLiteral("Time range:"), this));
    row->addWidget(m_range);
    row->addWidget(m_limit);
    row->addStretch();
    row->addWidget(m_searchButton);
    layout->addLayout(row);

    m_results = new QTreeWidget(this);
    m_results->setObjectName(QStringLiteral("backendResults"));
    m_results->setHeaderLabels({QStringLiteral("Root span"), QStringLiteral("Service"), QStringLiteral("Start"),
                                QStringLiteral("Duration"), QStringLiteral("Trace id")});
    m_results->setRootIsDecorated(false);
    m_results->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_results->setSortingEnabled(true);
    m_results->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    layout->addWidget(m_results, 1);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_openButton = buttons->addButton(QStringLiteral("&Open Selected"), QDialogButtonBox::AcceptRole);
    m_openButton->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_openButton, &QPushButton::clicked, this, &BackendSearchDialog::openSelected);
    layout->addWidget(buttons);

    connect(m_backend, &QComboBox::currentIndexChanged, this, &BackendSearchDialog::backendChanged);
    connect(m_searchButton, &QPushButton::clicked, this, &BackendSearchDialog::search);
    connect(m_traceql, &QLineEdit::returnPressed, this, &BackendSearchDialog::search);
    connect(m_results, &QTreeWidget::itemSelectionChanged, this,
            [this] { m_openButton->setEnabled(!m_results->selectedItems().isEmpty()); });
    connect(m_results, &QTreeWidget::itemDoubleClicked, this, &BackendSearchDialog::openSelected);
    backendChanged();
}

BackendSearchDialog::~BackendSearchDialog()
{
    if (m_cancel)
        *m_cancel = true; // the worker finishes on its own and reports to nobody
}

void BackendSearchDialog::backendChanged()
{
    const int i = m_backend->currentIndex();
    if (i < 0)
        return;
    m_pages->setCurrentIndex(isTempo(m_backends[size_t(i)]) ? 0 : 1);
    // Only the shown page counts for the height, so the Tempo form stays one line.
    for (int p = 0; p < m_pages->count(); ++p)
        m_pages->widget(p)->setSizePolicy(QSizePolicy::Preferred, p == m_pages->currentIndex() ? QSizePolicy::Maximum : QSizePolicy::Ignored);
    m_pages->adjustSize();
}

backend::SearchQuery BackendSearchDialog::query() const
{
    backend::SearchQuery q;
    q.traceql = m_traceql->text().trimmed().toStdString();
    q.service = m_service->text().trimmed().toStdString();
    q.operation = m_operation->text().trimmed().toStdString();
    for (const QString &tag : m_tags->text().split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const auto eq = tag.indexOf(QLatin1Char('='));
        if (eq > 0)
            q.tags.emplace_back(tag.left(eq).toStdString(), tag.mid(eq + 1).toStdString());
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    q.endNs = uint64_t(now) * 1000000000ULL;
    q.startNs = uint64_t(now - m_range->currentData().toLongLong()) * 1000000000ULL;
    q.limit = uint32_t(m_limit->value());
    return q;
}

void BackendSearchDialog::search()
{
    const int i = m_backend->currentIndex();
    if (i < 0)
        return;
    if (m_searching) {
        if (m_cancel)
            *m_cancel = true;
        return;
    }
    m_searching = true;
    m_searchButton->setText(QStringLiteral("&Cancel"));
    m_status->setText(QStringLiteral("Searching..."));
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const backend::SearchQuery q = query();
    auto cancel = m_cancel;
    QPointer<BackendSearchDialog> self(this);
    SecretStore::resolve(m_backends[size_t(i)], this, [self, q, cancel](bool ok, backend::BackendConfig config, const QString &error) {
        if (!self)
            return;
        if (!ok) {
            self->showHits({}, error);
            return;
        }
        auto *watcher = new QFutureWatcher<std::shared_ptr<backend::SearchResult>>(self);
        QObject::connect(watcher, &QFutureWatcher<std::shared_ptr<backend::SearchResult>>::finished, self, [self, watcher] {
            const backend::SearchResult &r = *watcher->future().result();
            QString status;
            if (r.status == backend::FetchStatus::Cancelled)
                status = QStringLiteral("Cancelled.");
            else if (r.status != backend::FetchStatus::Ok)
                status = QString::fromStdString(r.message);
            else
                status = QStringLiteral("%1 trace%2 found.").arg(r.hits.size()).arg(r.hits.size() == 1 ? QString() : QStringLiteral("s"));
            self->showHits(r.hits, status);
            watcher->deleteLater();
        });
        watcher->setFuture(QtConcurrent::run([config, q, cancel]() {
            backend::BackendClient client(config);
            std::string message;
            auto r = std::make_shared<backend::SearchResult>();
            if (!config.kind && client.detectKind(message, cancel.get()) != backend::FetchStatus::Ok) {
                r->status = backend::FetchStatus::Unsupported;
                r->message = message;
                return r;
            }
            *r = client.search(q, cancel.get());
            return r;
        }));
    });
}

void BackendSearchDialog::showHits(const std::vector<backend::SearchHit> &hits, const QString &status)
{
    m_searching = false;
    m_searchButton->setText(QStringLiteral("&Search"));
    m_hits = hits;
    m_results->setSortingEnabled(false);
    m_results->clear();
    for (size_t i = 0; i < hits.size(); ++i) {
        const auto &h = hits[i];
        auto *item = new QTreeWidgetItem(m_results);
        item->setText(0, QString::fromStdString(h.rootName));
        item->setText(1, QString::fromStdString(h.service));
        item->setText(2, h.startNs ? display::timestamp(h.startNs) : QString());
        item->setText(3, display::duration(h.durationNs));
        item->setText(4, QString::fromStdString(h.id.hex()));
        item->setData(0, Qt::UserRole, int(i));
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_results->setSortingEnabled(true);
    m_results->sortByColumn(2, Qt::DescendingOrder); // newest first
    for (int c = 1; c < 5; ++c)
        m_results->resizeColumnToContents(c);
    m_status->setText(status);
    emit searchFinished();
}

void BackendSearchDialog::openSelected()
{
    const int b = m_backend->currentIndex();
    std::vector<TraceId> ids;
    for (QTreeWidgetItem *item : m_results->selectedItems()) {
        const int i = item->data(0, Qt::UserRole).toInt();
        if (i >= 0 && size_t(i) < m_hits.size())
            ids.push_back(m_hits[size_t(i)].id);
    }
    if (ids.empty() || b < 0)
        return;
    emit openRequested(m_backends[size_t(b)], ids);
    m_status->setText(QStringLiteral("Opening %1 trace%2 in the main window...").arg(ids.size()).arg(ids.size() == 1 ? QString() : QStringLiteral("s")));
}

} // namespace causeway::ui
