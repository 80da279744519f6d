/**
 * Web sources: which arguments are URLs, and the pages a sitemap lists. The community's
 * SitemapLoader and CheerioWebBaseLoader fetch with the global `fetch`, which would bypass the
 * network guard, so pages come through the caller's `PageFetcher` and the sitemap is parsed here
 * with cheerio, the parser those loaders use.
 */

/** A fetched page. */
export interface WebPage {
  /** The final URL after redirects. */
  url: string;
  contentType: string;
  body: Uint8Array;
}

/** Fetches one URL under the caller's network policy; throws when the destination is refused. */
export type PageFetcher = (url: string) => Promise<WebPage>;

/** Whether an ingest argument is a web address rather than a path. */
export function isUrl(argument: string): boolean {
  return /^https?:\/\//i.test(argument);
}

/** Whether a URL names a sitemap (`…/sitemap.xml`, `…/sitemap-pages.xml`). */
export function isSitemapUrl(url: string): boolean {
  return /sitemap[^/]*\.xml$/i.test(new URL(url).pathname);
}

/** The page URLs behind an ingest argument: the URL itself, or every page its sitemap lists. */
export async function webTargets(url: string, fetchPage: PageFetcher, depth = 0): Promise<string[]> {
  if (!isSitemapUrl(url)) return [url];
  const { load } = await import("cheerio");
  const page = await fetchPage(url);
  const $ = load(new TextDecoder().decode(page.body), { xml: true });
  const pages = $("url > loc").map((_, element) => $(element).text().trim()).get().filter(isUrl);
  const nested = $("sitemap > loc").map((_, element) => $(element).text().trim()).get().filter(isUrl);
  // A sitemap index lists sitemaps; one level of nesting is what the protocol allows.
  for (const child of depth === 0 ? nested : []) pages.push(...(await webTargets(child, fetchPage, depth + 1)));
  return [...new Set(pages)];
}
