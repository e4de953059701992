//! Templates and template fragments: every CRUD call, single pages, and streams that follow
//! the API's `_links.next`.

use std::collections::HashSet;

use futures_util::stream::{self, Stream, StreamExt as _};
use progenitor_client::ClientInfo as _;
use serde::de::DeserializeOwned;

use super::Api;
use super::raw::types;
use super::start::parse;
use crate::error::{Error, ResponseContext};
use crate::validate::Rules;

/// One page of a list, as the API returned it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// This page's number, counting from 1.
    pub page: i64,
    /// How many items a page holds.
    pub page_size: i64,
    /// How many pages there are.
    pub total_pages: i64,
    /// How many items there are.
    pub total_items: i64,
    /// The API's link to the next page, if there is one.
    pub next: Option<String>,
    /// The API's link to this page, for telling a link back from a new one (Vonage's spec does
    /// not promise it).
    this: Option<String>,
}

/// The fields of a template to change; only those set are sent (renaming a template does not
/// reset `is_default`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateUpdate {
    name: Option<String>,
    is_default: Option<bool>,
}

impl TemplateUpdate {
    /// Nothing changed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new name: 1 to 64 letters, digits, `_` and `-`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Whether this is the account's default template.
    pub fn is_default(mut self, is_default: bool) -> Self {
        self.is_default = Some(is_default);
        self
    }
}

/// The two kinds of list, for the code they share.
trait Listing: DeserializeOwned {
    type Item;
    fn into_page(self) -> Page<Self::Item>;
}

macro_rules! listing {
    ($list:ty, $item:ty, $field:ident) => {
        impl Listing for $list {
            type Item = $item;
            fn into_page(self) -> Page<$item> {
                Page {
                    items: self.embedded.$field,
                    page: self.page,
                    page_size: self.page_size,
                    total_pages: self.total_pages,
                    total_items: self.total_items,
                    next: self.links.next.map(|link| link.href),
                    this: self.links.self_.map(|link| link.href),
                }
            }
        }
    };
}

listing!(types::ListTemplatesResponse, types::Template, templates);
listing!(
    types::ListFragmentsResponse,
    types::TemplateFragment,
    template_fragments
);

impl Api {
    /// One page of the account's templates.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`Forbidden`](crate::ProblemKind::Forbidden) when template
    /// management is not enabled for the account.
    pub async fn templates_page(
        &self,
        page: Option<u32>,
        page_size: Option<u32>,
    ) -> Result<Page<types::Template>, Error> {
        const OP: &str = "list_templates";
        let reply = self
            .call(OP, async |raw| {
                let mut call = raw.list_templates();
                if let Some(page) = page {
                    call = call.page(page);
                }
                if let Some(size) = page_size {
                    call = call.page_size(size);
                }
                call.send().await
            })
            .await?;
        Ok(reply.into_inner().into_page())
    }

    /// Every template, page after page, following the API's `next` links.
    ///
    /// ```no_run
    /// # async fn run(client: vonage_verify::Client) -> Result<(), vonage_verify::Error> {
    /// use futures_util::TryStreamExt as _;
    ///
    /// let all: Vec<_> = client.v2().templates(Some(100)).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn templates(
        &self,
        page_size: Option<u32>,
    ) -> impl Stream<Item = Result<types::Template, Error>> + Send + '_ {
        let first = async move { self.templates_page(None, page_size).await };
        self.follow::<types::ListTemplatesResponse>("list_templates", first)
    }

    /// One page of a template's fragments.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`TemplateNotFound`](crate::ProblemKind::TemplateNotFound)
    /// for an unknown template.
    pub async fn fragments_page(
        &self,
        template_id: &str,
        page: Option<u32>,
        page_size: Option<u32>,
    ) -> Result<Page<types::TemplateFragment>, Error> {
        const OP: &str = "list_template_fragments";
        let id = template_id.to_owned();
        let reply = self
            .call(OP, async |raw| {
                let mut call = raw.list_template_fragments().template_id(id);
                if let Some(page) = page {
                    call = call.page(page);
                }
                if let Some(size) = page_size {
                    call = call.page_size(size);
                }
                call.send().await
            })
            .await?;
        Ok(reply.into_inner().into_page())
    }

    /// Every fragment of a template, following the API's `next` links.
    pub fn fragments<'a>(
        &'a self,
        template_id: &'a str,
        page_size: Option<u32>,
    ) -> impl Stream<Item = Result<types::TemplateFragment, Error>> + Send + 'a {
        let first = async move { self.fragments_page(template_id, None, page_size).await };
        self.follow::<types::ListFragmentsResponse>("list_template_fragments", first)
    }

    /// Creates a template named `name` (1 to 64 letters, digits, `_` and `-`).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a bad name; [`Error::Problem`], e.g.
    /// [`TemplateExists`](crate::ProblemKind::TemplateExists).
    pub async fn create_template(&self, name: &str) -> Result<types::Template, Error> {
        const OP: &str = "create_template";
        let name = parse(Rules { operation: OP }, "name", name)?;
        let body = types::CreateTemplateBody { name };
        let reply = self
            .call(OP, async |raw| {
                raw.create_template().body(body).send().await
            })
            .await?;
        Ok(reply.into_inner())
    }

    /// One template.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`TemplateNotFound`](crate::ProblemKind::TemplateNotFound).
    pub async fn template(&self, template_id: &str) -> Result<types::Template, Error> {
        const OP: &str = "get_template";
        let id = template_id.to_owned();
        let reply = self
            .call(OP, async |raw| {
                raw.get_template().template_id(id).send().await
            })
            .await?;
        Ok(reply.into_inner())
    }

    /// Changes the fields `update` sets, and only those.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a bad name; [`Error::Problem`] otherwise.
    pub async fn update_template(
        &self,
        template_id: &str,
        update: &TemplateUpdate,
    ) -> Result<types::Template, Error> {
        const OP: &str = "update_template";
        let rules = Rules { operation: OP };
        if update.name.is_none() && update.is_default.is_none() {
            // The spec asks for at least one field; an empty PATCH would change nothing.
            return Err(rules.fail("name", "or is_default must be set"));
        }
        let body = types::UpdateTemplateBody {
            name: update
                .name
                .as_deref()
                .map(|n| parse(rules, "name", n))
                .transpose()?,
            is_default: update.is_default.map(types::IsDefault),
        };
        let id = template_id.to_owned();
        let reply = self
            .call(OP, async |raw| {
                raw.update_template()
                    .template_id(id)
                    .body(body)
                    .send()
                    .await
            })
            .await?;
        Ok(reply.into_inner())
    }

    /// Deletes a template (it must have no fragments left).
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`NotEmptyTemplate`](crate::ProblemKind::NotEmptyTemplate).
    pub async fn delete_template(&self, template_id: &str) -> Result<(), Error> {
        const OP: &str = "delete_template";
        let id = template_id.to_owned();
        self.call(OP, async |raw| {
            raw.delete_template().template_id(id).send().await
        })
        .await
        .map(drop)
    }

    /// Adds a fragment: the text (with `${code}` and the other placeholders) for one channel
    /// and locale.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a channel or locale the spec does not list;
    /// [`Error::Problem`], e.g. [`FragmentExists`](crate::ProblemKind::FragmentExists).
    pub async fn add_fragment(
        &self,
        template_id: &str,
        channel: &str,
        locale: &str,
        text: &str,
    ) -> Result<types::TemplateFragment, Error> {
        const OP: &str = "add_template_fragment_to_template";
        let rules = Rules { operation: OP };
        let body = types::AddTemplateFragmentToTemplateBody {
            channel: parse(rules, "channel", channel)?,
            locale: parse(rules, "locale", locale)?,
            text: parse(rules, "text", text)?,
        };
        let id = template_id.to_owned();
        let reply = self
            .call(OP, async |raw| {
                raw.add_template_fragment_to_template()
                    .template_id(id)
                    .body(body)
                    .send()
                    .await
            })
            .await?;
        Ok(reply.into_inner())
    }

    /// One fragment.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`FragmentNotFound`](crate::ProblemKind::FragmentNotFound).
    pub async fn fragment(
        &self,
        template_id: &str,
        fragment_id: &str,
    ) -> Result<types::TemplateFragment, Error> {
        const OP: &str = "get_template_fragment";
        let (id, fragment) = (template_id.to_owned(), fragment_id.to_owned());
        let reply = self
            .call(OP, async |raw| {
                raw.get_template_fragment()
                    .template_id(id)
                    .template_fragment_id(fragment)
                    .send()
                    .await
            })
            .await?;
        Ok(reply.into_inner())
    }

    /// Replaces a fragment's text.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`FragmentNotFound`](crate::ProblemKind::FragmentNotFound).
    pub async fn update_fragment(
        &self,
        template_id: &str,
        fragment_id: &str,
        text: &str,
    ) -> Result<types::TemplateFragment, Error> {
        const OP: &str = "update_template_fragment";
        let body = types::UpdateTemplateFragmentBody {
            text: parse(Rules { operation: OP }, "text", text)?,
        };
        let (id, fragment) = (template_id.to_owned(), fragment_id.to_owned());
        let reply = self
            .call(OP, async |raw| {
                raw.update_template_fragment()
                    .template_id(id)
                    .template_fragment_id(fragment)
                    .body(body)
                    .send()
                    .await
            })
            .await?;
        Ok(reply.into_inner())
    }

    /// Deletes a fragment.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`FragmentNotFound`](crate::ProblemKind::FragmentNotFound).
    pub async fn delete_fragment(&self, template_id: &str, fragment_id: &str) -> Result<(), Error> {
        const OP: &str = "delete_template_fragment";
        let (id, fragment) = (template_id.to_owned(), fragment_id.to_owned());
        self.call(OP, async |raw| {
            raw.delete_template_fragment()
                .template_id(id)
                .template_fragment_id(fragment)
                .send()
                .await
        })
        .await
        .map(drop)
    }

    /// The items of `first` and of every page its `next` links lead to. A `next` href is
    /// reduced to its path and query and sent to the configured base URL, so a link to
    /// another host never receives credentials. Stops when there is no `next`, when an href
    /// repeats, or at the last page; an error ends the stream after it is yielded.
    fn follow<'a, L>(
        &'a self,
        operation: &'static str,
        first: impl Future<Output = Result<Page<L::Item>, Error>> + Send + 'a,
    ) -> impl Stream<Item = Result<L::Item, Error>> + Send + 'a
    where
        L: Listing + Send + 'a,
        L::Item: Send + 'a,
    {
        enum State<F> {
            First(F),
            Next {
                target: url::Url,
                visited: HashSet<String>,
                last_page: i64,
            },
            Fail(Error),
            Done,
        }
        let pages = stream::unfold(State::First(Box::pin(first)), move |state| async move {
            let (result, mut visited, last_page) = match state {
                State::Done => return None,
                State::Fail(error) => return Some((Err(error), State::Done)),
                State::First(first) => (first.await, HashSet::new(), 0),
                State::Next {
                    target,
                    visited,
                    last_page,
                } => (
                    self.next_page::<L>(operation, target).await,
                    visited,
                    last_page,
                ),
            };
            let page = match result {
                Ok(page) => page,
                Err(error) => return Some((Err(error), State::Done)),
            };
            if let Some(Ok(this)) = page
                .this
                .as_deref()
                .map(|this| self.on_base(operation, this))
            {
                visited.insert(this.to_string());
            }
            // Onwards only to a page not seen yet, numbered higher, before the last one.
            let next = match page
                .next
                .as_deref()
                .map(|href| self.on_base(operation, href))
            {
                None => State::Done,
                Some(Err(error)) => State::Fail(error),
                Some(Ok(target))
                    if page.page > last_page
                        && page.page < page.total_pages
                        && visited.insert(target.to_string()) =>
                {
                    State::Next {
                        target,
                        visited,
                        last_page: page.page,
                    }
                }
                Some(Ok(_)) => State::Done,
            };
            Some((Ok(page.items), next))
        });
        pages.flat_map(|page| match page {
            Ok(items) => stream::iter(items.into_iter().map(Ok).collect::<Vec<_>>()),
            Err(error) => stream::iter(vec![Err(error)]),
        })
    }

    /// A `next` or `self` link moved onto the configured base URL: only its path and query
    /// are kept, so neither a link to another host nor a crafted one can redirect the list.
    fn on_base(&self, operation: &'static str, href: &str) -> Result<url::Url, Error> {
        let invalid = |why: &str| Error::Decode {
            context: ResponseContext::new(operation),
            reason: format!("the list link {why}"),
        };
        let base = url::Url::parse(self.raw().baseurl())
            .map_err(|_| invalid("cannot be resolved against the base URL"))?;
        let parsed = url::Url::parse(href)
            .or_else(|_| base.join(href))
            .map_err(|_| invalid("is not a URL"))?;
        if parsed.cannot_be_a_base() || !parsed.path().starts_with('/') {
            return Err(invalid("has no path"));
        }
        let mut target = base.clone();
        target.set_path(&format!(
            "{}{}",
            base.path().trim_end_matches('/'),
            parsed.path()
        ));
        target.set_query(parsed.query());
        target.set_fragment(None);
        if target.origin() != base.origin() {
            return Err(invalid("leaves the base URL"));
        }
        Ok(target)
    }

    async fn next_page<L: Listing>(
        &self,
        operation: &'static str,
        target: url::Url,
    ) -> Result<Page<L::Item>, Error> {
        let invalid = || Error::Decode {
            context: ResponseContext::new(operation),
            reason: "the next link is not a URL".into(),
        };
        let http = self.raw().client();
        // As the generated requests accept: the page's JSON, or a problem document.
        let accept =
            reqwest::header::HeaderValue::from_static("application/json, application/problem+json");
        let request = http
            .get(target)
            .header(reqwest::header::ACCEPT, accept)
            .build()
            .map_err(|_| invalid())?;
        let transport = self.raw().inner();
        let _slot = transport.slot().await;
        let spec = transport.operation(operation);
        let response = transport.send(http, spec, request).await?;
        let reply = crate::call::read_reply(transport, spec, response).await?;
        let list: L = serde_json::from_slice(&reply.body).map_err(|e| reply.decode_error(e))?;
        Ok(list.into_page())
    }
}
