// The body's own blocks beside StarterKit's: pull quote, image with caption and credit,
// embed and "read more". Each writes markup that rendering/sanitize.py keeps as it is:
// WordPress's classes (wp-*) and its [embed] shortcode, so imported and edited bodies
// read the same to the server.
import { Node, mergeAttributes } from "@tiptap/core";

// The hosts whose post addresses become [embed] blocks (rendering/embeds.py draws them).
const EMBED_HOSTS = [
  { name: "YouTube", pattern: /^https?:\/\/(www\.|m\.)?(youtube\.com|youtu\.be)\//i },
  { name: "Vimeo", pattern: /^https?:\/\/(www\.|player\.)?vimeo\.com\//i },
  { name: "X", pattern: /^https?:\/\/(www\.|mobile\.)?(x\.com|twitter\.com)\/[^/]+\/status\/\d+/i },
  { name: "Telegram", pattern: /^https?:\/\/t\.me\/(s\/)?[A-Za-z0-9_]+\/\d+/i },
  { name: "Instagram", pattern: /^https?:\/\/(www\.)?instagram\.com\/(p|reel|tv)\/[A-Za-z0-9_-]+/i },
];

export function embedProvider(url) {
  const found = EMBED_HOSTS.find((host) => host.pattern.test(url || ""));
  return found ? found.name : null;
}

const EMBED_TEXT = /^\s*\[embed\]\s*(https?:\/\/[^\s[\]"<>]+)\s*\[\/embed\]\s*$/i;

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "paragraph+",
  defining: true,
  parseHTML() {
    return [{ tag: "figure.wp-block-pullquote", contentElement: "blockquote" }];
  },
  renderHTML() {
    return ["figure", { class: "wp-block-pullquote" }, ["blockquote", 0]];
  },
  addCommands() {
    return {
      togglePullQuote:
        () =>
        ({ commands }) =>
          commands.toggleWrap(this.name),
    };
  },
});

export const Figure = Node.create({
  name: "figureImage",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      src: { default: "" },
      alt: { default: "" },
      caption: { default: "" },
      credit: { default: "" },
      // The media library's id (class wp-library-image-N): the reader page draws the
      // library's <picture> for it (rendering/library.py); null for an image by address.
      imageId: { default: null },
    };
  },
  parseHTML() {
    const read = (element) => {
      const img = element.tagName === "IMG" ? element : element.querySelector("img");
      if (!img || !img.getAttribute("src")) {
        return false;
      }
      const caption = element.querySelector ? element.querySelector("figcaption") : null;
      let credit = "";
      let text = "";
      if (caption) {
        const creditNode = caption.querySelector(".wp-credit, .credit");
        credit = creditNode ? creditNode.textContent.trim() : "";
        const copy = caption.cloneNode(true);
        copy.querySelectorAll(".wp-credit, .credit").forEach((node) => node.remove());
        text = copy.textContent.trim();
      }
      const library = /\bwp-library-image-(\d+)\b/.exec(img.getAttribute("class") || "");
      const imageId = library ? Number(library[1]) : null;
      return { src: img.getAttribute("src"), alt: img.getAttribute("alt") || "", caption: text, credit, imageId };
    };
    return [
      { tag: "figure", getAttrs: read, priority: 60 },
      { tag: "img[src]", getAttrs: read },
    ];
  },
  renderHTML({ HTMLAttributes }) {
    const image = { src: HTMLAttributes.src, alt: HTMLAttributes.alt };
    if (HTMLAttributes.imageId) {
      image.class = `wp-library-image-${HTMLAttributes.imageId}`;
    }
    const figure = ["figure", { class: "wp-block-image" }, ["img", image]];
    if (HTMLAttributes.caption || HTMLAttributes.credit) {
      const caption = ["figcaption", {}];
      if (HTMLAttributes.caption) {
        // A space before the credit, so the caption's text (a feed, a screen reader) reads apart.
        caption.push(HTMLAttributes.credit ? `${HTMLAttributes.caption} ` : HTMLAttributes.caption);
      }
      if (HTMLAttributes.credit) {
        caption.push(["span", { class: "wp-credit" }, HTMLAttributes.credit]);
      }
      figure.push(caption);
    }
    return figure;
  },
  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("figure");
      dom.className = "desk-editor-figure";
      const img = document.createElement("img");
      img.src = node.attrs.src;
      img.alt = node.attrs.alt;
      dom.append(img);
      const caption = document.createElement("figcaption");
      caption.textContent = [node.attrs.caption, node.attrs.credit].filter(Boolean).join(" · ");
      dom.append(caption);
      return { dom };
    };
  },
});

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { url: { default: "" } };
  },
  parseHTML() {
    return [
      {
        tag: "p",
        priority: 60,
        getAttrs: (element) => {
          const match = EMBED_TEXT.exec(element.textContent || "");
          return match && element.children.length === 0 ? { url: match[1] } : false;
        },
      },
    ];
  },
  renderHTML({ HTMLAttributes }) {
    return ["p", {}, `[embed]${HTMLAttributes.url}[/embed]`];
  },
  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("div");
      dom.className = "desk-editor-embed";
      const label = document.createElement("strong");
      label.textContent = embedProvider(node.attrs.url) || "Embed";
      const url = document.createElement("span");
      url.textContent = " " + node.attrs.url;
      dom.append(label, url);
      return { dom };
    };
  },
});

// Stored as WordPress's <!--more--> (a comment, which no HTML parser hands to the editor):
// editor.js swaps it for this <hr> on the way in and back on the way out.
export const MORE_MARK = '<hr class="wp-block-more">';
export const ReadMore = Node.create({
  name: "readMore",
  group: "block",
  atom: true,
  parseHTML() {
    return [{ tag: "hr.wp-block-more", priority: 60 }];
  },
  renderHTML() {
    return ["hr", mergeAttributes({ class: "wp-block-more" })];
  },
  addNodeView() {
    return () => {
      const dom = document.createElement("div");
      dom.className = "desk-editor-more";
      dom.setAttribute("data-label", document.getElementById("desk-editor")?.dataset.moreLabel || "Read more");
      return { dom };
    };
  },
});
