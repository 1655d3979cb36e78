// The article body's rich-text editor (Tiptap, on ProseMirror) in the admin's change form.
//
// The textarea stays the form's field: the editor writes its HTML back into it on every
// change (and fires "input", so the live counts and autosave see it), so without this
// script, or when the body holds HTML the editor cannot show without losing some of it,
// the textarea is what the writer uses. Texts come translated from #desk-editor's data-*.
import { Editor } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";
import { Embed, Figure, MORE_MARK, PullQuote, ReadMore, embedProvider } from "./nodes.js";
import { cleanPastedHTML } from "./paste.js";
import { askAddress, askFields, linkAddress } from "./dialogs.js";
import { openImageDialog } from "./library.js";

const MORE_COMMENT = /(?:<p>\s*)?<!--\s*more\b[\s\S]*?-->(?:\s*<\/p>)?/gi;
// autop leaves a shortcode alone on its line without its paragraph; the editor reads it in one.
const EMBED_LINE = /^[ \t]*(\[embed\][^\n<]*?\[\/embed\])[ \t]*$/gim;
// What must survive the editor's reading of a stored body, counted before and after.
const COUNTED = ["img", "iframe", "video", "audio", "table", "a[href]", "li", "blockquote", "h1,h2,h3,h4,h5,h6", "pre"];

function toEditor(html) {
  return html.replace(MORE_COMMENT, MORE_MARK).replace(EMBED_LINE, "<p>$1</p>");
}

function fromEditor(html) {
  return html
    .replace(/<hr class="wp-block-more">/g, "<!--more-->")
    .replace(/<p><\/p>/g, "")
    .replace(/ style="[^"]*"/g, "")
    .replace(/<(td|th) colspan="1" rowspan="1">/g, "<$1>");
}

function profile(html) {
  // Blocks with and without line breaks between them read the same.
  const doc = new DOMParser().parseFromString(html.replace(/>\s*</g, "> <"), "text/html");
  const text = (doc.body.textContent || "").replace(/\s+/g, " ").trim();
  return [text, ...COUNTED.map((selector) => doc.body.querySelectorAll(selector).length)].join("|");
}

// Whether the editor shows ``html`` whole: same text, same links, images, embeds and lists.
function readsWhole(html, editor) {
  return profile(html.replace(MORE_COMMENT, "")) === profile(fromEditor(editor.getHTML()).replace(MORE_COMMENT, ""));
}

function button(label, title, run, isActive) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "desk-editor-button";
  element.textContent = label;
  element.title = title;
  element.setAttribute("aria-label", title);
  element.addEventListener("mousedown", (event) => event.preventDefault());
  element.addEventListener("click", run);
  element.isActive = isActive;
  return element;
}

function start(textarea) {
  const texts = document.getElementById("desk-editor").dataset;
  const wrapper = document.createElement("div");
  wrapper.className = "desk-editor";
  const toolbar = document.createElement("div");
  toolbar.className = "desk-editor-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", texts.toolbar);
  const surface = document.createElement("div");
  surface.className = "desk-editor-surface";
  const notice = document.createElement("p");
  notice.className = "help desk-editor-notice";
  notice.hidden = true;
  wrapper.append(toolbar, surface);
  textarea.before(notice);
  textarea.before(wrapper);

  const editor = new Editor({
    element: surface,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        codeBlock: false,
        code: false,
        link: {
          openOnClick: false,
          autolink: false,
          defaultProtocol: "https",
          protocols: ["mailto", "tel"],
          HTMLAttributes: { rel: null, target: null, class: null },
        },
      }),
      TableKit.configure({ table: { resizable: false } }),
      PullQuote,
      Figure,
      Embed,
      ReadMore,
    ],
    content: toEditor(textarea.value),
    editorProps: {
      attributes: { class: "desk-editor-content", "aria-label": texts.label, "aria-multiline": "true", role: "textbox" },
      transformPastedHTML: cleanPastedHTML,
    },
  });

  let richMode = true;
  function sync() {
    if (richMode) {
      textarea.value = fromEditor(editor.getHTML());
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
  function showRich(show) {
    richMode = show;
    wrapper.classList.toggle("desk-editor-source", !show);
    surface.hidden = !show;
    textarea.classList.toggle("desk-editor-hidden", show);
    Array.from(toolbar.children).forEach((child) => {
      child.disabled = !show && child !== sourceButton;
    });
    sourceButton.textContent = show ? texts.source : texts.rich;
    sourceButton.setAttribute("aria-pressed", String(!show));
  }

  const chain = () => editor.chain().focus();
  const returnFocus = () => editor.commands.focus();
  const dialog = (name) => document.getElementById(`desk-${name}-dialog`);
  const items = [
    button(texts.paragraph, texts.paragraph, () => chain().setParagraph().run(), () => editor.isActive("paragraph")),
    ...[2, 3, 4].map((level) =>
      button(`H${level}`, `${texts.heading} ${level}`, () => chain().toggleHeading({ level }).run(), () =>
        editor.isActive("heading", { level }),
      ),
    ),
    button("B", texts.bold, () => chain().toggleBold().run(), () => editor.isActive("bold")),
    button("I", texts.italic, () => chain().toggleItalic().run(), () => editor.isActive("italic")),
    button(texts.link, texts.link, async () => {
      const url = await askAddress(dialog("link"), {
        value: editor.getAttributes("link").href || "",
        valid: linkAddress,
        allowEmpty: true,
        returnFocus,
      });
      if (url === null) {
        return;
      }
      if (url === "") {
        chain().extendMarkRange("link").unsetLink().run();
      } else {
        chain().extendMarkRange("link").setLink({ href: url }).run();
      }
    }, () => editor.isActive("link")),
    button("• ", texts.bulletList, () => chain().toggleBulletList().run(), () => editor.isActive("bulletList")),
    button("1.", texts.orderedList, () => chain().toggleOrderedList().run(), () => editor.isActive("orderedList")),
    button("❝", texts.quote, () => chain().toggleBlockquote().run(), () => editor.isActive("blockquote")),
    button(texts.pullQuote, texts.pullQuote, () => chain().togglePullQuote().run(), () => editor.isActive("pullQuote")),
    button(texts.table, texts.table, () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()),
    button("+≡", texts.addRow, () => chain().addRowAfter().run()),
    button("+‖", texts.addColumn, () => chain().addColumnAfter().run()),
    button("✕▦", texts.deleteTable, () => chain().deleteTable().run()),
    button(texts.image, texts.image, () => {
      // The seam for another image source: a listener that calls preventDefault() picks the
      // image itself and hands it to detail.insert({src, alt, caption, credit, imageId}).
      const insert = (image) => image && image.src && chain().insertContent({ type: "figureImage", attrs: image }).run();
      const event = new CustomEvent("dastan:editor-image", { cancelable: true, detail: { insert, editor } });
      if (textarea.dispatchEvent(event)) {
        openImageDialog(dialog("image"), { insert, returnFocus });
      }
    }),
    button(texts.caption, texts.captionTitle, async () => {
      // The selected picture's alt text, caption and credit, for this story only.
      if (!editor.isActive("figureImage")) {
        return;
      }
      const { alt, caption, credit } = editor.getAttributes("figureImage");
      const answer = await askFields(dialog("figure"), { alt, caption, credit }, { returnFocus });
      if (answer) {
        chain().updateAttributes("figureImage", answer).run();
      }
    }, () => editor.isActive("figureImage")),
    button(texts.embed, texts.embed, async () => {
      const url = await askAddress(dialog("embed"), { valid: (address) => Boolean(embedProvider(address)), returnFocus });
      if (url) {
        chain().insertContent({ type: "embed", attrs: { url } }).run();
      }
    }),
    button(texts.more, texts.more, () => chain().insertContent({ type: "readMore" }).run()),
    button("↶", texts.undo, () => chain().undo().run()),
    button("↷", texts.redo, () => chain().redo().run()),
  ];
  const captionButton = items.find((item) => item.title === texts.captionTitle);
  const sourceButton = button(texts.source, texts.sourceTitle, () => {
    if (richMode) {
      sync();
      showRich(false);
    } else {
      editor.commands.setContent(toEditor(textarea.value), { emitUpdate: false });
      if (!readsWhole(textarea.value, editor) && !window.confirm(texts.lossConfirm)) {
        editor.commands.setContent(toEditor(textarea.value), { emitUpdate: false });
        return;
      }
      showRich(true);
      sync();
    }
  });
  items.push(sourceButton);
  toolbar.append(...items);

  function refresh() {
    items.forEach((item) => {
      if (item.isActive) {
        item.classList.toggle("is-active", Boolean(item.isActive()));
      }
    });
    if (richMode) {
      captionButton.disabled = !editor.isActive("figureImage");
    }
  }
  editor.on("update", () => {
    sync();
    refresh();
  });
  editor.on("selectionUpdate", refresh);
  textarea.addEventListener("desk:replace", () => {
    editor.commands.setContent(toEditor(textarea.value), { emitUpdate: false });
  });

  if (textarea.value.trim() && !readsWhole(textarea.value, editor)) {
    // Some of what is stored (an imported gallery, a script-free widget...) has no place in
    // the editor: keep the HTML as it is and say so, rather than drop it on the next save.
    notice.textContent = texts.lossNotice;
    notice.hidden = false;
    showRich(false);
  } else {
    showRich(true);
  }
  refresh();
  window.dastanEditor = editor;
}

const field = document.getElementById("id_body");
if (field && document.getElementById("desk-editor")) {
  start(field);
}
