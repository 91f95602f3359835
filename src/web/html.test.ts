import { describe, expect, it } from 'vitest';
import { html, jsonScript } from './html.js';

describe('html templates', () => {
  it('escape every interpolated value, and nest templates and arrays as they are', () => {
    const name = `<script>alert("x")</script> & 'Ольга'`;
    const page = html`<p title="${name}">${name}</p>${[html`<b>${1}</b>`, '<i>']}${undefined}${false}`;
    expect(page.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Ольга&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Ольга&#39;</p><b>1</b>&lt;i&gt;',
    );
  });

  it('keep a JSON script from being closed by any text in it', () => {
    const script = jsonScript('chart-data', [{ title: '</script><script>alert(1)</script>' }]);
    expect(script.value).not.toContain('</script><script>');
    expect(JSON.parse(/>(.*)<\/script>$/.exec(script.value)![1]!)).toEqual([
      { title: '</script><script>alert(1)</script>' },
    ]);
  });
});
