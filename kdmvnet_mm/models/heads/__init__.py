from .embedding_cls_head import EmbeddingClsHead

__all__ = ['EmbeddingClsHead']
