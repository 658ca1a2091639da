// `npm run lint:links` (part of `npm run lint`): every relative link and `#anchor` in the
// repository's markdown names a file and a heading that exist, offline (remark-validate-links
// reads the files and slugs the headings as GitHub does; external URLs are not fetched).
// `repository: false`: no Git remote is needed, so a fresh clone in CI checks the same way.
import remarkValidateLinks from 'remark-validate-links';

export default { plugins: [[remarkValidateLinks, { repository: false }]] };
